import OpenAI from 'openai';
import Together from 'together-ai';
import { describe, expect, inject, it } from 'vitest';
import { createOpenAIClient, createTogetherClient } from '../../src/index.js';

// The official SDKs and tunekit, pointed at the same Prism mock (static mode: the same request always gets the
// same answer), must read the same data.
const prism = inject('prism');
const apiKey = 'crosscheck-key';

describe('tunekit and the official openai SDK read the same data', () => {
  const sdk = new OpenAI({ apiKey, baseURL: prism.openai, maxRetries: 0 });
  const tunekit = createOpenAIClient({ apiKey, baseUrl: prism.openai, maxRetries: 0 });

  it('jobs.retrieve', async () => {
    const [theirs, ours] = await Promise.all([sdk.fineTuning.jobs.retrieve('ftjob-abc123'), tunekit.jobs.retrieve('ftjob-abc123')]);
    expect(ours.object).toBe('fine_tuning.job');
    expect(ours).toEqual(theirs);
  });

  it('jobs.list: the same first page', async () => {
    const [theirs, ours] = await Promise.all([sdk.fineTuning.jobs.list({ limit: 5 }), tunekit.jobs.list({ limit: 5 })]);
    expect(ours.items.length).toBeGreaterThan(0);
    expect(ours.items).toEqual(theirs.data);
    expect(ours.hasMore).toBe(theirs.has_more);
  });

  it('jobs.events and jobs.checkpoints: the same first page', async () => {
    const [theirEvents, ourEvents] = await Promise.all([
      sdk.fineTuning.jobs.listEvents('ftjob-abc123'),
      tunekit.jobs.events('ftjob-abc123'),
    ]);
    expect(ourEvents.items.length).toBeGreaterThan(0);
    expect(ourEvents.items).toEqual(theirEvents.data);
    const [theirCheckpoints, ourCheckpoints] = await Promise.all([
      sdk.fineTuning.jobs.checkpoints.list('ftjob-abc123'),
      tunekit.jobs.checkpoints('ftjob-abc123'),
    ]);
    expect(ourCheckpoints.items.length).toBeGreaterThan(0);
    expect(ourCheckpoints.items).toEqual(theirCheckpoints.data);
  });

  it('files.retrieve and files.list', async () => {
    const [theirFile, ourFile] = await Promise.all([sdk.files.retrieve('file-abc123'), tunekit.files.retrieve('file-abc123')]);
    expect(ourFile).toEqual(theirFile);
    const [theirFiles, ourFiles] = await Promise.all([
      sdk.files.list({ purpose: 'fine-tune' }),
      tunekit.files.list({ purpose: 'fine-tune' }),
    ]);
    expect(ourFiles.items.length).toBeGreaterThan(0);
    expect(ourFiles.items).toEqual(theirFiles.data);
  });
});

describe('tunekit and the official together-ai SDK read the same data', () => {
  const sdk = new Together({ apiKey, baseURL: prism.together, maxRetries: 0 });
  const tunekit = createTogetherClient({ apiKey, baseUrl: prism.together, maxRetries: 0 });

  it('jobs.retrieve', async () => {
    const [theirs, ours] = await Promise.all([
      sdk.fineTuning.retrieve('ft-01234567890123456789'),
      tunekit.jobs.retrieve('ft-01234567890123456789'),
    ]);
    expect(ours.status).toBe('pending');
    expect(ours).toEqual(theirs);
  });

  it('jobs.list: the same whole list', async () => {
    const [theirs, ours] = await Promise.all([sdk.fineTuning.list(), tunekit.jobs.list()]);
    expect(ours.items.length).toBeGreaterThan(0);
    expect(ours.items).toEqual(theirs.data);
  });

  it('jobs.events and jobs.checkpoints: the same lists', async () => {
    const [theirEvents, ourEvents] = await Promise.all([sdk.fineTuning.listEvents('ft-1'), tunekit.jobs.events('ft-1')]);
    expect(ourEvents.items.length).toBeGreaterThan(0);
    expect(ourEvents.items).toEqual(theirEvents.data);
    const [theirCheckpoints, ourCheckpoints] = await Promise.all([
      sdk.fineTuning.listCheckpoints('ft-1'),
      tunekit.jobs.checkpoints('ft-1'),
    ]);
    expect(ourCheckpoints.items.length).toBeGreaterThan(0);
    expect(ourCheckpoints.items).toEqual(theirCheckpoints.data);
  });

  it('files.retrieve and files.list', async () => {
    const [theirFile, ourFile] = await Promise.all([sdk.files.retrieve('file-123'), tunekit.files.retrieve('file-123')]);
    expect(ourFile).toEqual(theirFile);
    const [theirFiles, ourFiles] = await Promise.all([sdk.files.list(), tunekit.files.list()]);
    expect(ourFiles.items.length).toBeGreaterThan(0);
    expect(ourFiles.items).toEqual(theirFiles.data);
  });

  it('jobs.estimatePrice', async () => {
    const body = { training_file: 'file-123', n_epochs: 2 };
    const [theirs, ours] = await Promise.all([sdk.fineTuning.estimatePrice(body), tunekit.jobs.estimatePrice(body)]);
    expect(ours.allowed_to_proceed).toBe(true);
    expect(ours).toEqual(theirs);
  });
});
