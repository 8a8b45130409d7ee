/** OpenAI in the CLI: its key, its create rules, pause and resume (their code imported when they run). */
import { providerEnvironment } from '../environment.js';
import { lossFromEvents } from '../../cli/loss.js';
import type { CliProvider, ProviderCommand } from '../../cli/provider.js';

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

export const openaiCli: CliProvider<'openai'> = {
  name: 'openai',
  label: 'OpenAI',
  keyEnv: providerEnvironment.openai.apiKey,
  createOperation: 'POST /fine_tuning/jobs',
  trainOnInputs: { refused: 'OpenAI has no train-on-inputs setting (it trains on the assistant messages; use weight 0 in the data)' },
  deployRefused: 'an OpenAI job names its model itself (fine_tuned_model); there is nothing to deploy',
  lossPoints: (session, jobId) => lossFromEvents(session.tuner.jobs.events(jobId, session.request), session.tuner.jobs.checkpoints(jobId, session.request)),
  commands: [pauseOrResume('pause', 'Pause a running job (it keeps its progress)'), pauseOrResume('resume', 'Resume a paused job')],
};
