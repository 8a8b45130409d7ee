/**
 * The cost estimate on the command line: its lines (`tunekit estimate`, and `train` before it creates the job) and the
 * confirmation `train` asks on a terminal when the price is above `--confirm-above`.
 */
import { formatMoney } from '../core/format.js';
import type { CostEstimate } from '../workflow/estimate.js';
import type { Output } from './output.js';

/** The price above which `train` asks before creating the job, on a terminal: US dollars (`--confirm-above`). */
export const DEFAULT_CONFIRM_ABOVE = 5;

const count = (n: number): string => n.toLocaleString('en-US');

/** `3,000 (1,000 per epoch × 3 epochs; exact, o200k_base)`, `12,000 (3 epochs; Together's estimate)`, or `unknown`. */
function tokensText(estimate: CostEstimate): string {
  const { perEpoch, epochs, total, method, counter } = estimate.tokens;
  if (method === 'unknown') return 'unknown';
  const how = method === 'provider' ? counter : `${method === 'exact' ? 'exact' : 'estimate'}, ${counter}`;
  const epochText = epochs === undefined ? 'the epochs the provider picks' : `${epochs} epoch${epochs === 1 ? '' : 's'}`;
  const perEpochText = perEpoch === undefined ? '' : `${count(perEpoch)} per epoch × `;
  return total === undefined ? `${perEpochText}${epochText} (${how})` : `${count(total)} (${perEpochText}${epochText}; ${how})`;
}

/** `$1.44 (Together's estimate)`, `$0.08 at your rate of $25.00 per million tokens`, or `undefined`. */
function priceText(estimate: CostEstimate): string | undefined {
  const { price } = estimate;
  if (!price) return undefined;
  const amount = formatMoney(price.amount, price.currency);
  return price.source === 'provider'
    ? `${amount} (${estimate.providerEstimate?.source ?? 'the provider’s estimate'})`
    : `${amount} at your rate of ${formatMoney(price.ratePerMillionTokens ?? 0, price.currency)} per million tokens`;
}

/** One line: `3,000 trained tokens (…) · $1.44 (Together's estimate)`. */
export function estimateLine(estimate: CostEstimate): string {
  const price = priceText(estimate) ?? 'unknown';
  const refused = estimate.allowedToProceed === false ? ' · NOT allowed to proceed by the provider (credit limit and balance)' : '';
  return `trained tokens ${tokensText(estimate)} · price ${price}${refused}`;
}

/** The estimate as `name  value` lines on stdout, its notes as hints on stderr. */
export function showEstimate(out: Output, estimate: CostEstimate): void {
  const training = estimate.reports.training;
  out.details([
    ['model', estimate.model],
    [
      'training file',
      training &&
        `${training.name ?? ''} · ${training.formatLabel ?? 'unknown'} format · ${count(training.examples)} example${training.examples === 1 ? '' : 's'}`,
    ],
    ['trained tokens', tokensText(estimate)],
    ['evaluation tokens', estimate.evaluationTokens === undefined ? undefined : count(estimate.evaluationTokens)],
    ['price', priceText(estimate) ?? 'unknown'],
    ['credit limit', estimate.creditLimit && formatMoney(estimate.creditLimit.amount, estimate.creditLimit.currency)],
    ['allowed to proceed', estimate.allowedToProceed === undefined ? undefined : estimate.allowedToProceed ? 'yes' : 'no'],
  ]);
  for (const note of estimate.notes) out.hint(note);
}

/** When `train` asks: a price above the threshold, or a provider that says the account cannot pay. */
export function needsConfirmation(estimate: CostEstimate, threshold: number): boolean {
  return (estimate.price !== undefined && estimate.price.amount > threshold) || estimate.allowedToProceed === false;
}

/**
 * Asks on the terminal whether to create the job (`y` or `yes`; anything else, or Enter, declines). Ctrl-C answers no
 * (the command then stops as interrupted). node:readline, loaded only now.
 */
export async function askToProceed(out: Output, estimate: CostEstimate, threshold: number, signal: AbortSignal): Promise<boolean> {
  const c = out.err;
  const lines = [
    `${c.bold('The estimated price of this job is')} ${c.bold(priceText(estimate) ?? 'unknown')}${
      estimate.price && estimate.price.amount > threshold ? `, above ${formatMoney(threshold)} (--confirm-above)` : ''
    }.`,
  ];
  if (estimate.allowedToProceed === false) {
    lines.push(
      c.yellow(
        `The provider says it is more than your credit limit${estimate.creditLimit ? ` (${formatMoney(estimate.creditLimit.amount)})` : ''} and balance: the job will likely fail or be cancelled.`,
      ),
    );
  }
  lines.push(c.dim('Pass -y (--yes) to skip this question.'));
  out.stderr.write(`${lines.join('\n')}\n`);
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: out.stderr });
  try {
    const answer = await prompt.question('Create the job? [y/N] ', { signal });
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch {
    return false;
  } finally {
    prompt.close();
  }
}
