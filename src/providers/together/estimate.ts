/** Together's price before a job: `/fine-tunes/estimate-price`, asked with the fields of the create request it prices. */
import type { TogetherClient, TogetherJobCreateParams, TogetherPriceEstimateParams } from './client.js';
import type { RequestOptions } from '../../core/exchange.js';
import type { ProviderEstimate } from '../../workflow/tuning.js';

/** The estimate's body for a create request: the fields the price depends on (files, model, epochs, evaluations, method, type). */
export function priceParams(body: TogetherJobCreateParams): TogetherPriceEstimateParams {
  const { training_file, validation_file, model, n_epochs, n_evals, training_method, training_type, from_checkpoint } = body;
  return { training_file, validation_file, model, n_epochs, n_evals, training_method, training_type, from_checkpoint };
}

/** Together's own estimate of a create request: its price, the tokens it counted, and whether the account may proceed. */
export async function estimate(client: TogetherClient, body: TogetherJobCreateParams, options?: RequestOptions): Promise<ProviderEstimate> {
  const answer = await client.jobs.estimatePrice(priceParams(body), options);
  return {
    source: "Together's estimate",
    price: answer.estimated_total_price,
    trainingTokens: answer.estimated_train_token_count,
    evaluationTokens: answer.estimated_eval_token_count,
    allowedToProceed: answer.allowed_to_proceed,
    creditLimit: answer.user_limit,
    raw: answer,
  };
}
