import type { DatasetProfile } from './profile.js';
import type { TokenCounter, TokenizerOption } from '../core/dataset-report.js';
import type { Encoding } from '../core/dataset-report.js';

/** The cheap estimate: a token is about four characters of English text. */
const estimateCounter: TokenCounter = { name: 'characters ÷ 4', exact: false, count: (text) => Math.ceil(text.length / 4) };

/** The model rule that covers `model`, if any. */
export function modelRule(profile: DatasetProfile, model: string | undefined): DatasetProfile['models'][number] | undefined {
  return model === undefined ? undefined : profile.models.find((rule) => rule.match.test(model));
}

/** gpt-tokenizer's encoding module, loaded only when exact counting is asked for (it is large). */
async function encodingCounter(encoding: Encoding, exact: boolean): Promise<TokenCounter> {
  const { countTokens } =
    encoding === 'o200k_base' ? await import('gpt-tokenizer/encoding/o200k_base') : await import('gpt-tokenizer/encoding/cl100k_base');
  // Special-token text in a dataset (`<|endoftext|>`) is counted as the plain text the API tokenizes.
  const plain = { disallowedSpecial: new Set<string>() };
  // Datasets repeat short texts (system prompts, tool definitions, stock answers): remember their counts, in a
  // bounded map that starts over when full.
  const seen = new Map<string, number>();
  const count = (text: string): number => {
    if (text.length > 512) return countTokens(text, plain);
    let tokens = seen.get(text);
    if (tokens === undefined) {
      if (seen.size >= 4096) seen.clear();
      tokens = countTokens(text, plain);
      seen.set(text, tokens);
    }
    return tokens;
  };
  return { name: encoding, exact, count };
}

/** The counter for a check: the option, else the model's own tokenizer when tunekit has it, else the estimate. */
export async function resolveCounter(option: TokenizerOption, profile: DatasetProfile, model: string | undefined): Promise<TokenCounter> {
  if (typeof option === 'object') return option;
  if (option === 'estimate') return estimateCounter;
  const own = modelRule(profile, model)?.encoding;
  if (option === 'auto') return own ? encodingCounter(own, true) : estimateCounter;
  return encodingCounter(option, own === option);
}
