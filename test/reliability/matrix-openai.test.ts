import { defineMatrix } from './matrix.js';

defineMatrix('openai');
