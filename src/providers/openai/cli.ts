/** OpenAI in the CLI: its key, its create rules, pause and resume (their code imported when they run). */
import { lossFromEvents } from '../../cli/loss.js';
import { oneOf, type CliProvider, type ProviderCommand } from '../../cli/provider.js';
import { facts } from './facts.js';

/** The file purposes of the document's upload. */
const PURPOSES = ['fine-tune', 'batch', 'assistants', 'vision', 'user_data', 'evals'] as const;

/** `jobs pause` and `jobs resume`: the same shape, one word apart. */
const pauseOrResume = (name: 'pause' | 'resume', summary: string): ProviderCommand<'openai'> => ({
  group: 'jobs',
  name,
  summary,
  args: [{ name: 'id', description: 'the job id' }],
  run: async (session, [id = '']) => {
    const job = session.tuning.job(await session.tuner.client.jobs[name](id, session.request));
    if (!session.out.json) session.out.done(`${name === 'pause' ? 'paused' : 'resumed'} ${job.id}: now ${job.providerStatus}`);
    (await import('../../cli/show.js')).showJob(session.out, job);
  },
});

export const cli: CliProvider<'openai'> = {
  rules: async () => (await import('../../../generated/openai.rules.js')).rules,
  purposes: PURPOSES,
  uploadAs: async (session, path, purpose, { check, onProgress }) => {
    const chosen = oneOf(PURPOSES, purpose, '--purpose', facts.name);
    return session.tuning.file(
      await session.tuner.client.files.upload(
        path,
        { check: check && chosen === 'fine-tune', onProgress, purpose: chosen },
        session.request,
      ),
    );
  },
  flagNotes: { '--learning-rate': 'takes a multiplier instead: --option' },
  createOperation: 'POST /fine_tuning/jobs',
  trainOnInputs: { refused: 'OpenAI has no train-on-inputs setting (it trains on the assistant messages; use weight 0 in the data)' },
  deployRefused: 'an OpenAI job names its model itself (fine_tuned_model); there is nothing to deploy',
  lossPoints: (session, jobId) =>
    lossFromEvents(session.tuner.jobs.events(jobId, session.request), session.tuner.jobs.checkpoints(jobId, session.request)),
  commands: [pauseOrResume('pause', 'Pause a running job (it keeps its progress)'), pauseOrResume('resume', 'Resume a paused job')],
};
