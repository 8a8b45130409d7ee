import { describeProblem } from '../core/problem-report.js';
import { type Problem } from '../core/check.js';

/** A problem's field as a location list: `body.integrations[0].wandb` → `['body', 'integrations', 0, 'wandb']`. */
function location(p: Problem): (string | number)[] {
  return p.field.split(/\.|(?=\[)/).flatMap((part): (string | number)[] => {
    const index = /^\[(\d+)\]$/.exec(part);
    return index ? [Number(index[1])] : part ? [part] : [];
  });
}

/** The rule's keyword: `maximum 64` → `maximum`, `unknown field` → `additionalProperties`. */
function keyword(p: Problem): string {
  if (p.rule === 'unknown field') return 'additionalProperties';
  if (p.rule === 'valid JSON') return 'json';
  return p.rule.split(/[\s[]/)[0] ?? p.rule;
}

const pydantic: Record<string, string> = {
  required: 'missing',
  additionalProperties: 'extra_forbidden',
  json: 'json_invalid',
  enum: 'enum',
  minimum: 'greater_than_equal',
  maximum: 'less_than_equal',
  exclusiveMinimum: 'greater_than',
  exclusiveMaximum: 'less_than',
  minLength: 'string_too_short',
  maxLength: 'string_too_long',
  minItems: 'too_short',
  maxItems: 'too_long',
};

const pydanticTypes: Record<string, string> = {
  string: 'string_type',
  integer: 'int_type',
  number: 'float_type',
  boolean: 'bool_type',
  object: 'dict_type',
  array: 'list_type',
  null: 'none_required',
};

/** FastAPI's 422 body (Nebius documents `HTTPValidationError`): `{detail: [{loc, msg, type, input}]}`. */
export function fastApiDetail(problems: readonly Problem[]): {
  detail: { loc: (string | number)[]; msg: string; type: string; input?: unknown }[];
} {
  return {
    detail: problems.map((p) => {
      const word = keyword(p);
      const type = word === 'type' ? (pydanticTypes[p.rule.split(/[\s|]/)[1] ?? ''] ?? 'type_error') : (pydantic[word] ?? word);
      const shown = p.secret || p.value === undefined ? {} : { input: p.value };
      return { loc: location(p), msg: describeProblem(p), type, ...shown };
    }),
  };
}

/**
 * The 422 Prism answers for an operation whose document defines none (`application/problem+json`), with one
 * `validation` entry per problem.
 */
export function prismProblem(problems: readonly Problem[]): {
  type: string;
  title: string;
  status: number;
  detail: string;
  validation: { location: (string | number)[]; severity: 'Error'; code: string; message: string }[];
} {
  return {
    type: 'https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY',
    title: 'Invalid request',
    status: 422,
    detail:
      'Your request is not valid and no HTTP validation response was found in the spec, so the sandbox is generating this error for you.',
    validation: problems.map((p) => ({ location: location(p), severity: 'Error', code: keyword(p), message: describeProblem(p) })),
  };
}
