import type { DatasetProfile, DatasetProvider } from '../profile.js';
import { nebius } from '../../providers/nebius/dataset.js';
import { openai } from '../../providers/openai/dataset.js';
import { together } from '../../providers/together/dataset.js';

/** Each provider's dataset rules, as plain data. */
export const datasetProfiles: Readonly<Record<DatasetProvider, DatasetProfile>> = { nebius, together, openai };
