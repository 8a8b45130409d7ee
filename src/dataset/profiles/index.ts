import type { DatasetProfile, DatasetProvider } from '../profile.js';
import { nebius } from './nebius.js';
import { openai } from './openai.js';
import { together } from './together.js';

/** Each provider's dataset rules, as plain data. */
export const datasetProfiles: Readonly<Record<DatasetProvider, DatasetProfile>> = { nebius, together, openai };
