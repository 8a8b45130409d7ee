import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { rules as nebiusRules } from '../../generated/nebius.rules.js';
import { rules as openaiRules } from '../../generated/openai.rules.js';
import { rules as togetherRules } from '../../generated/together.rules.js';
import { schemasOf, type Rules } from '../../src/core/schemas.js';
import { checkValue } from '../../src/core/validate.js';
import { random } from '../support/random.js';

// The generated rules and the runtime interpreter must judge request bodies as Ajv does on the trimmed
// document (JSON Schema 2020-12), with the two documented readings: `oneOf` as `anyOf`, and `format` unchecked.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (value: unknown): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep copy with every `oneOf` renamed `anyOf` (a second union on the same schema goes to an `allOf`). */
function oneOfAsAnyOf(value: Json): Json {
  if (Array.isArray(value)) return value.map(oneOfAsAnyOf);
  if (!isObject(value)) return value;
  const out: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'oneOf' && 'anyOf' in value)
      out['allOf'] = [...(Array.isArray(value['allOf']) ? value['allOf'] : []), { anyOf: oneOfAsAnyOf(child) }];
    else if (key === 'allOf' && 'oneOf' in value && 'anyOf' in value) continue;
    else out[key === 'oneOf' ? 'anyOf' : key] = oneOfAsAnyOf(child);
  }
  return out;
}

const POOL: Json[] = [
  0,
  1,
  -1,
  2,
  8,
  63,
  64,
  65,
  128,
  129,
  8192,
  131073,
  0.5,
  1.5,
  2 ** 31,
  -0.1,
  '',
  'x',
  'x'.repeat(65),
  'auto',
  'max',
  'sft',
  'dpo',
  'Lora',
  'Full',
  'wandb',
  'supervised',
  'dpo',
  'reinforcement',
  'spec-draft',
  'linear',
  'cosine',
  null,
  true,
  false,
  [],
  ['a'],
  [1],
  {},
  { type: 'Lora', lora_r: 8, lora_alpha: 8 },
  { method: 'sft', train_on_inputs: 'auto' },
  { hyperparameters: {} },
];

function paths(value: Json, at: (string | number)[] = [], into: (string | number)[][] = []): (string | number)[][] {
  into.push(at);
  if (Array.isArray(value)) value.forEach((child, index) => paths(child, [...at, index], into));
  else if (isObject(value)) for (const [key, child] of Object.entries(value)) paths(child, [...at, key], into);
  return into;
}

function mutate(seed: Json, names: string[], next: () => number): Json {
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)] as T;
  let value: Json = structuredClone(seed);
  for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
    const at = pick(paths(value));
    const replacement = pick(POOL);
    if (at.length === 0) {
      if (next() < 0.1) value = replacement;
      else if (isObject(value)) value[pick(names)] = structuredClone(replacement);
      continue;
    }
    let parent: Json = value;
    for (const step of at.slice(0, -1))
      parent = Array.isArray(parent) ? (parent[Number(step)] ?? null) : isObject(parent) ? (parent[String(step)] ?? null) : null;
    const last = at[at.length - 1] ?? '';
    const roll = next();
    if (isObject(parent)) {
      if (roll < 0.15) delete parent[String(last)];
      else if (roll < 0.3) parent[pick(names)] = structuredClone(replacement);
      else parent[String(last)] = structuredClone(replacement);
    } else if (Array.isArray(parent)) {
      parent[Number(last)] = structuredClone(replacement);
    }
  }
  return value;
}

function propertyNames(value: Json, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const child of value) propertyNames(child, into);
  else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'properties' && isObject(child)) for (const name of Object.keys(child)) into.add(name);
      propertyNames(child, into);
    }
  }
  return into;
}

const seeds: Record<string, { rules: Rules; bodies: Record<string, Json[]> }> = {
  nebius: {
    rules: nebiusRules,
    bodies: {
      'POST /v1/fine_tuning/jobs': [
        {
          model: 'm',
          training_file: 'f',
          hyperparameters: { batch_size: 8, n_epochs: 3, context_length: 8192, lora: true, lora_r: 16, warmup_ratio: 0.1 },
          seed: 1,
          suffix: 's',
          tags: ['a'],
        },
        {
          model: 'm',
          training_file: 'f',
          method: { type: 'supervised', supervised: { hyperparameters: { batch_size: 8 } } },
          integrations: [{ type: 'wandb', wandb: { project: 'p', api_key: 'k' } }],
        },
        {
          model: 'm',
          training_file: 'f',
          method: { type: 'spec-draft', spec_draft: { hyperparameters: { learning_rate: 0.5, loss: { type: 'kl' } } } },
          from_checkpoint: { type: 'hf', repo: 'r' },
        },
      ],
    },
  },
  together: {
    rules: togetherRules,
    bodies: {
      'POST /fine-tunes': [
        {
          model: 'm',
          training_file: 'f',
          n_epochs: 2,
          batch_size: 'max',
          lr_scheduler: { lr_scheduler_type: 'cosine', lr_scheduler_args: { min_lr_ratio: 0, num_cycles: 0.5 } },
          train_on_inputs: 'auto',
        },
        {
          model: 'm',
          training_file: 'f',
          training_method: { method: 'sft', train_on_inputs: true },
          training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16 },
          random_seed: null,
        },
        {
          model: 'm',
          training_file: 'f',
          training_method: { method: 'dpo', dpo_beta: 0.1 },
          training_type: { type: 'Full' },
          multimodal_params: { train_vision: true },
        },
      ],
      'POST /fine-tunes/estimate-price': [{ training_file: 'f', n_epochs: 1, training_type: null }],
    },
  },
  openai: {
    rules: openaiRules,
    bodies: {
      'POST /fine_tuning/jobs': [
        {
          model: 'gpt-4o-mini',
          training_file: 'f',
          suffix: 'x',
          seed: 7,
          metadata: { a: 'b' },
          integrations: [{ type: 'wandb', wandb: { project: 'p' } }],
        },
        {
          model: 'gpt-4o-mini',
          training_file: 'f',
          method: {
            type: 'supervised',
            supervised: { hyperparameters: { n_epochs: 'auto', batch_size: 8, learning_rate_multiplier: 0.5 } },
          },
        },
        {
          model: 'gpt-4o-mini',
          training_file: 'f',
          method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.5 } } },
          hyperparameters: { n_epochs: 2 },
        },
        {
          model: 'gpt-4o-mini',
          training_file: 'f',
          method: {
            type: 'reinforcement',
            reinforcement: {
              grader: { type: 'string_check', name: 'g', input: 'i', reference: 'r', operation: 'eq' },
              hyperparameters: { eval_interval: 2 },
            },
          },
        },
      ],
    },
  },
};

const SAMPLES = 1500;

describe.each(Object.entries(seeds))('%s: the generated rules agree with Ajv on the document', (provider, { rules, bodies }) => {
  it.each(Object.entries(bodies))(`%s: valid seeds pass, and ${SAMPLES} random mutations are judged alike`, async (operation, valid) => {
    const doc = JSON.parse(await readFile(new URL(`../../openapi/${provider}.json`, import.meta.url), 'utf8')) as { [key: string]: Json };
    const [method = '', path = ''] = operation.split(' ');
    const item = isObject(doc['paths']) ? doc['paths'][path] : undefined;
    const op = isObject(item) ? item[method.toLowerCase()] : undefined;
    const body = isObject(op) && isObject(op['requestBody']) ? op['requestBody'] : {};
    const content = isObject(body['content']) ? body['content']['application/json'] : undefined;
    const schema = isObject(content) ? content['schema'] : undefined;
    expect(schema).toBeDefined();
    const ajv = new Ajv2020({ strict: false, validateFormats: false, logger: false });
    const forAjv = oneOfAsAnyOf({ ...(isObject(schema) ? schema : {}), components: doc['components'] ?? {} });
    const ajvCheck = ajv.compile(isObject(forAjv) ? forAjv : {});
    const request = schemasOf(rules).operation(operation);
    expect(request).toBeDefined();
    const ours = (value: Json): boolean => request !== undefined && checkValue(request, { body: value }).length === 0;

    for (const seed of valid) {
      expect(ajvCheck(seed), JSON.stringify(ajvCheck.errors)).toBe(true);
      expect(ours(seed)).toBe(true);
    }
    const names = [...propertyNames(schema ?? null), ...propertyNames(doc['components'] ?? null)].sort();
    const next = random(0x7e57 + provider.length);
    let rejected = 0;
    for (let n = 0; n < SAMPLES; n++) {
      const value = mutate(valid[n % valid.length] ?? {}, names, next);
      const expected = ajvCheck(value);
      if (!expected) rejected++;
      if (ours(value) !== expected)
        expect.fail(`disagree on ${JSON.stringify(value)}: Ajv says ${expected ? 'valid' : JSON.stringify(ajvCheck.errors)}`);
    }
    // The mutations must exercise both answers.
    expect(rejected).toBeGreaterThan(SAMPLES / 10);
    expect(rejected).toBeLessThan(SAMPLES);
  });
});
