import { defineMatrix } from './matrix.js';

defineMatrix('nebius');
