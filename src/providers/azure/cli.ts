/** Azure OpenAI in the CLI: its key, its create rules, pause and resume, and the preview checkpoint copy. */
import { lossFromEvents } from '../../cli/loss.js';
import { UsageError } from '../../cli/exit.js';
import type { Output } from '../../cli/output.js';
import { oneOf, type CliProvider, type ProviderCommand } from '../../cli/provider.js';
import { facts } from './facts.js';

/** The file purposes of the document's upload (`AzureCreateFileRequestMultiPart.purpose`). */
const PURPOSES = ['fine-tune', 'batch', 'assistants', 'evals'] as const;

/** `jobs pause` and `jobs resume`: the same shape, one word apart. */
const pauseOrResume = (name: 'pause' | 'resume', summary: string): ProviderCommand<'azure'> => ({
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

/** A checkpoint copy: the JSON as is, or a line per destination. */
function showCopy(
  out: Output,
  copy: {
    checkpointedModelName: string;
    fineTuningJobId: string;
    copiedAccountDetails: { destinationResourceId: string; region: string; status: string }[];
  },
): void {
  if (out.json) return out.value(copy);
  out.details([
    ['model', copy.checkpointedModelName],
    ['job', copy.fineTuningJobId],
  ]);
  for (const copied of copy.copiedAccountDetails) out.data(`${copied.status}\t${copied.region}\t${copied.destinationResourceId}`);
}

/** `jobs copy-checkpoint JOB CHECKPOINT --destination ID --region R` (a copy), or without them, the copy's status. */
const copyCheckpoint: ProviderCommand<'azure'> = {
  group: 'jobs',
  name: 'copy-checkpoint',
  summary: 'Copy a checkpoint to another Azure OpenAI resource and region (preview); without --destination, show the copy status',
  args: [
    { name: 'id', description: 'the job id' },
    { name: 'checkpoint', description: 'the checkpoint id (ftckpt-…)' },
  ],
  options: [
    { flags: '--destination <resource-id>', description: 'the destination resource id (/subscriptions/…/accounts/<name>)' },
    { flags: '--region <region>', description: 'the destination region (swedencentral, …)' },
  ],
  run: async (session, [id = '', checkpoint = ''], options) => {
    const destination = options['destination'];
    const region = options['region'];
    const { jobs } = session.tuner.client;
    if (destination === undefined && region === undefined) {
      showCopy(session.out, await jobs.checkpointCopy(id, checkpoint, session.request));
      return;
    }
    if (typeof destination !== 'string' || typeof region !== 'string')
      throw new UsageError('jobs copy-checkpoint: --destination and --region go together');
    const copy = await jobs.copyCheckpoint(id, checkpoint, { destinationResourceId: destination, region }, session.request);
    if (!session.out.json) session.out.done(`copying ${checkpoint} of ${id} to ${region}: ${copy.checkpointedModelName}`);
    showCopy(session.out, copy);
  },
};

export const cli: CliProvider<'azure'> = {
  rules: async () => (await import('../../../generated/azure.rules.js')).rules,
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
  trainOnInputs: { refused: 'Azure OpenAI has no train-on-inputs setting (it trains on the assistant messages; use weight 0 in the data)' },
  deployRefused:
    "an Azure OpenAI job names its model (fine_tuned_model); it becomes callable once deployed, through Azure's management API (a deployment of the model on the resource), which tunekit does not call",
  modelNote:
    "the fine-tuned model answers once it is deployed: create a deployment of it on your resource through Azure's management API (Azure AI Foundry, `az cognitiveservices account deployment create`, or Microsoft.CognitiveServices/accounts/deployments)",
  lossPoints: (session, jobId) =>
    lossFromEvents(session.tuner.jobs.events(jobId, session.request), session.tuner.jobs.checkpoints(jobId, session.request)),
  commands: [
    pauseOrResume('pause', 'Pause a running job (it keeps its progress)'),
    pauseOrResume('resume', 'Resume a paused job'),
    copyCheckpoint,
  ],
};
