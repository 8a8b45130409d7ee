/** The rule checker as the engines use it: every problem of a value, secrets hidden. */
import { findProblems, type Problem } from './check.js';
import { hideSecrets } from './problem-report.js';
import type { Schema } from './schemas.js';

/**
 * Every problem of `value` against `schema`, in the order of the value's keys: where (`field`, at `depth`), which
 * rule, which value. A value of the wrong type is not looked into. A union none of whose branches passes reports
 * the problems of the branch the value most nearly fits. `at` is where the value stands (the top, `''` at depth 0,
 * by default). No secret leaves: a field is secret when the document marks it so in any branch of any union on its
 * way (`format: password`, `writeOnly`), or when its name or a name on its way says so (`token`, `api_key`…), and
 * then its value is `'[redacted]'`; an object or array value comes with its secret fields redacted.
 */
export function checkValue(schema: Schema, value: unknown, at: { field: string; depth: number } = { field: '', depth: 0 }): Problem[] {
  return hideSecrets(schema, findProblems(schema, value, at), at);
}
