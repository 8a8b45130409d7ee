/** One request the sandbox received, as recorded: never the API key or a secret field's value. */
export interface RecordedRequest {
  /** Simulated time it arrived (ISO 8601). */
  at: string;
  method: string;
  /** As received (with the provider's `/v1` where it has one). */
  path: string;
  /** The document's operation it matched, e.g. `GET /fine_tuning/jobs/{fine_tuning_job_id}`. */
  operation: string | undefined;
  query: Record<string, string | string[]>;
  /** Headers, without `Authorization` or anything else that may carry a secret. */
  headers: Record<string, string>;
  /** The JSON body with secret fields (W&B and Hugging Face keys…) as `[redacted]`; a multipart body as its fields, files as `{ filename, bytes }`. */
  body: unknown;
  /** The answer's status; 0 when the connection was dropped. */
  status: number;
  /** The scripted fault that spoiled it, if one did. */
  fault?: string;
  /** A short, stable name for the API key (`key_1a2b3c4d`); the same key always gives the same name. */
  key: string | undefined;
}

const SECRET_HEADER = /authorization|cookie|key|token|secret|password/i;

export function recordedHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!SECRET_HEADER.test(name)) kept[name] = value;
  });
  return kept;
}

export function recordedQuery(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

/** A multipart body as recorded: text fields as they are, files as their name and size. */
export function recordedForm(form: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  form.forEach((value, name) => {
    fields[name] = typeof value === 'string' ? value : { filename: value.name, bytes: value.size };
  });
  return fields;
}
