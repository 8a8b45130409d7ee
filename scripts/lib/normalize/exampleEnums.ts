import { isObject, type JsonObject, type JsonValue } from '../json.js';
import { operationsOf, resolveSchema } from './pointer.js';

/** The JSON object a vendor extension gives as an operation's example answer (OpenAI: `x-oaiMeta.examples.response`). */
function exampleAnswer(operation: JsonObject): JsonObject | undefined {
  const meta = operation['x-oaiMeta'];
  const examples = isObject(meta) ? meta['examples'] : undefined;
  const response = isObject(examples) ? examples['response'] : undefined;
  if (typeof response !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(response);
    return isObject(parsed as JsonValue) ? (parsed as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A string enum of a 200 answer's top-level property that the operation's own example answer contradicts gains
 * the example's value (OpenAI: `POST /fine_tuning/jobs/{id}/pause` answers a job with `status: "paused"`, a value
 * `FineTuningJob.status` does not list). Returns the values added, as `Schema.property += value`.
 */
export function addExampleEnumValues(doc: JsonObject): string[] {
  const added: string[] = [];
  for (const operation of operationsOf(doc)) {
    const example = exampleAnswer(operation);
    const responses = isObject(operation['responses']) ? operation['responses'] : {};
    const ok = resolveSchema(doc, responses['200']);
    const content = ok && isObject(ok['content']) ? ok['content']['application/json'] : undefined;
    const ref = isObject(content) && isObject(content['schema']) ? content['schema']['$ref'] : undefined;
    const schema = isObject(content) ? resolveSchema(doc, content['schema']) : undefined;
    if (!example || !schema || !isObject(schema['properties'])) continue;
    for (const [name, value] of Object.entries(example)) {
      const property = resolveSchema(doc, schema['properties'][name]);
      const values = property?.['enum'];
      if (
        typeof value !== 'string' ||
        !Array.isArray(values) ||
        !values.every((v) => typeof v === 'string' || v === null) ||
        values.includes(value)
      )
        continue;
      values.push(value);
      added.push(`${typeof ref === 'string' ? ref.split('/').pop() : 'answer'}.${name} += ${JSON.stringify(value)}`);
    }
  }
  return added;
}
