import { defineMatrix } from './matrix.js';

defineMatrix('together');
