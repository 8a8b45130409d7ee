/**
 * Nebius Token Factory in the CLI: its key, its create rules, its custom models (`tunekit models …`). Loaded for
 * `--help`: the code its commands run is imported when they run.
 */
import { lossFromEvents } from '../../cli/loss.js';
import { oneOf, type CliProvider } from '../../cli/provider.js';
import { facts } from './facts.js';

/** The file purposes of the document's upload. */
const PURPOSES = ['fine-tune', 'batch'] as const;

export const cli: CliProvider<'nebius'> = {
  rules: async () => (await import('../../../generated/nebius.rules.js')).rules,
  purposes: PURPOSES,
  uploadAs: async (session, path, purpose, { check, onProgress }) => {
    const chosen = oneOf(PURPOSES, purpose, '--purpose', facts.name);
    return session.tuning.file(await session.tuner.client.files.upload(path, { check, onProgress, purpose: chosen }, session.request));
  },
  createOperation: 'POST /v1/fine_tuning/jobs',
  trainOnInputs: { refused: 'Nebius has no train-on-inputs setting (it trains on the assistant messages)' },
  deployRefused: undefined,
  lossPoints: (session, jobId) =>
    lossFromEvents(session.tuner.jobs.events(jobId, session.request), session.tuner.jobs.checkpoints(jobId, session.request)),
  commands: [
    {
      group: 'models',
      name: 'list',
      summary: 'List your custom models (fine-tuned checkpoints made callable)',
      args: [],
      run: async (session) => {
        const models = [];
        for await (const model of session.tuner.client.models.list({}, session.request)) models.push(model);
        await (await import('./cli-models.js')).showModels(session.out, models);
      },
    },
    {
      group: 'models',
      name: 'get',
      summary: 'Show one custom model',
      args: [{ name: 'name', description: 'the model name (short, or vendor/name)' }],
      run: async (session, [name = '']) =>
        (await import('./cli-models.js')).showModel(session.out, await session.tuner.client.models.retrieve(name, session.request)),
    },
    {
      group: 'models',
      name: 'delete',
      summary: 'Delete a custom model',
      args: [{ name: 'name', description: 'the model name (short, or vendor/name)' }],
      run: async (session, [name = '']) => {
        const deleted = await session.tuner.client.models.delete(name, session.request);
        if (session.out.json) return session.out.value(deleted);
        session.out.done(`deleted model ${name}`);
      },
    },
  ],
};
