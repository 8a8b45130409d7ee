/**
 * Together AI in the CLI: its key, its create rules, train-on-inputs, and its own commands (delete, price, download),
 * whose code is imported when they run.
 */
import { UsageError } from '../../cli/exit.js';
import { mergeLoss } from '../../cli/loss.js';
import { oneOf, type CliProvider } from '../../cli/provider.js';
import { facts } from './facts.js';

/** The file purposes of the document's upload. */
const PURPOSES = ['fine-tune', 'eval'] as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const cli: CliProvider<'together'> = {
  rules: async () => (await import('../../../generated/together.rules.js')).rules,
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
  flagNotes: { '--batch-size': 'or "max"' },
  createOperation: 'POST /fine-tunes',
  trainOnInputs: { field: 'train_on_inputs' },
  deployRefused: 'a Together job names its model itself (model_output_name); there is nothing to deploy',
  lossPoints: async (session, jobId) => {
    const { togetherMetric } = await import('./wait.js');
    const points = await session.tuner.client.jobs.metrics(jobId, session.request);
    const checkpoints = [];
    for await (const checkpoint of session.tuner.jobs.checkpoints(jobId, session.request)) checkpoints.push(checkpoint);
    // The document's example names `train/loss` and `train/global_step` (what togetherMetric reads); some answers
    // (the sandbox's) say `train_loss` and `eval_loss`: read both.
    const read = (point: Record<string, number>) => {
      const known = togetherMetric(point);
      return {
        step: known.step,
        trainingLoss: known.trainingLoss ?? point['train_loss'],
        validationLoss: known.validationLoss ?? point['eval_loss'] ?? point['valid_loss'],
      };
    };
    return mergeLoss(points.map(read), checkpoints);
  },
  commands: [
    {
      group: 'jobs',
      name: 'delete',
      summary: 'Delete a job',
      args: [{ name: 'id', description: 'the job id' }],
      run: async (session, [id = '']) => {
        const deleted = await session.tuner.client.jobs.delete(id, session.request);
        if (session.out.json) return session.out.value({ id, ...deleted });
        session.out.done(`deleted ${id}${deleted.message ? `: ${deleted.message}` : ''}`);
      },
    },
    {
      group: 'jobs',
      name: 'price',
      summary: 'Estimate what a job would cost, before creating it',
      args: [],
      options: [
        { flags: '--model <name>', description: 'the base model' },
        { flags: '--training-file <id>', description: 'the uploaded training file' },
        { flags: '--validation-file <id>', description: 'the uploaded validation file' },
      ],
      hyperparameters: true,
      run: async (session, _args, options) => {
        const model = text(options['model']);
        const trainingFile = text(options['trainingFile']);
        if (!model || !trainingFile) throw new UsageError('jobs price needs --model and --training-file');
        const validationFile = text(options['validationFile']);
        const { checkedRequest, requestFlags } = await import('../../cli/request.js');
        const { hyperparameters, providerOptions } = await checkedRequest(session, model, requestFlags(options), {
          training: trainingFile,
          validation: validationFile,
        });
        const { providerRequest } = await import('../../workflow/tuner.js');
        const body = providerRequest('together', { ...hyperparameters, model, trainingFile, validationFile, providerOptions });
        const { priceParams } = await import('./tuning.js');
        const estimate = await session.tuner.client.jobs.estimatePrice(priceParams(body), session.request);
        if (session.out.json) return session.out.value(estimate);
        const { formatMoney } = await import('../../core/format.js');
        const dollars = (n: number | undefined): string | undefined => (n === undefined ? undefined : formatMoney(n));
        session.out.details([
          ['estimated price', dollars(estimate.estimated_total_price)],
          ['training tokens', estimate.estimated_train_token_count?.toLocaleString('en-US')],
          ['evaluation tokens', estimate.estimated_eval_token_count?.toLocaleString('en-US')],
          ['your limit', dollars(estimate.user_limit)],
          ['allowed to proceed', estimate.allowed_to_proceed === undefined ? undefined : estimate.allowed_to_proceed ? 'yes' : 'no'],
        ]);
      },
    },
    {
      group: 'jobs',
      name: 'download',
      summary: "Download a job's weights (or a checkpoint) to a file, with a progress bar",
      args: [{ name: 'id', description: 'the job id' }],
      options: [
        { flags: '--checkpoint <which>', description: 'merged, adapter, or a checkpoint step (default: the final weights)' },
        { flags: '-o, --output <file>', description: 'where to write (default: <job id>[-<checkpoint>].tar.zst)' },
      ],
      run: async (session, [id = ''], options) => {
        const which = text(options['checkpoint']);
        let query: { checkpoint?: 'merged' | 'adapter'; checkpoint_step?: number } = {};
        if (which === 'merged' || which === 'adapter') query = { checkpoint: which };
        else if (which !== undefined && /^\d+$/.test(which)) query = { checkpoint_step: Number(which) };
        else if (which !== undefined) throw new UsageError(`--checkpoint "${which}" must be merged, adapter or a step number`);
        const path = text(options['output']) ?? `${id}${which ? `-${which}` : ''}.tar.zst`;
        (await import('../../cli/paths.js')).assertWritable(path, '-o');
        const [{ saveBody }, { formatBytes }] = await Promise.all([import('../../cli/transfer.js'), import('../../core/format.js')]);
        const response = await session.tuner.client.jobs.download(id, query, session.request);
        const bytes = await saveBody(session.out, response, path, `${id} weights`);
        if (session.out.json) return session.out.value({ id, path, bytes });
        session.out.done(`saved ${id}${which ? ` (${which})` : ''} to ${path} (${formatBytes(bytes)})`);
        session.out.data(path);
      },
    },
  ],
};
