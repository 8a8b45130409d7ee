import { CHECK_FILE } from '../../workflow/neutral.js';
import { showEstimate } from '../estimate.js';
import { checkedRequest, requestFlags } from '../request.js';
import type { ProviderName } from '../../providers/registry/providers.js';
import type { AnySession, Session } from '../provider.js';
import { fileArgument } from './train.js';

/** `tunekit estimate FILE --model M`: what `train` with the same flags would train on and cost; nothing is uploaded or created. */

export interface EstimateFlags extends Record<string, unknown> {
  model?: string;
  validation?: string;
  pricePerMtok?: number;
}

export async function estimate(session: AnySession, [file = '']: string[], options: EstimateFlags): Promise<void> {
  await estimateOn(session, file, options);
}

async function estimateOn<P extends ProviderName>(session: Session<P>, fileArg: string, options: EstimateFlags): Promise<void> {
  const model = options.model ?? '';
  const trainingFile = fileArgument(fileArg, 'FILE');
  const validationFile = options.validation === undefined ? undefined : fileArgument(options.validation, '--validation');
  const { hyperparameters, providerOptions } = await checkedRequest(session, model, requestFlags(options), {
    training: CHECK_FILE,
    validation: validationFile === undefined ? undefined : CHECK_FILE,
  });
  const estimate = await session.tuner.estimate(
    { ...hyperparameters, model, trainingFile, validationFile, providerOptions },
    { pricePerMillionTokens: options.pricePerMtok, signal: session.signal, requestOptions: session.request },
  );
  if (session.out.json) return session.out.value(estimate);
  showEstimate(session.out, estimate);
}
