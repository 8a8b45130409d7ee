/** The client's request check: an openapi-fetch middleware over the provider's rules. */
import type { Middleware } from 'openapi-fetch';
import { findProblems } from './check.js';
import { schemasOf, type Rules } from './schemas.js';

/**
 * An openapi-fetch middleware that checks each request's path and query parameters and JSON body against the
 * provider's rules and throws a `ValidationError` before anything is sent (unless `check` is false). It hands each
 * secret of a JSON body (a W&B key, a Hugging Face token: by the document or by its name) to `secret`, so the client
 * hides it in whatever comes back (a server that echoes the request in its error). An operation without rules costs
 * one lookup.
 */
export function validator(
  provider: string,
  rules: Rules,
  { check = true, secret }: { check?: boolean; secret?: (value: string) => void } = {},
): Middleware {
  const schemas = schemasOf(rules);
  return {
    onRequest({ request, schemaPath, params }) {
      const operation = `${request.method} ${schemaPath}`;
      const schema = schemas.operation(operation);
      const bodySchema = schema?.properties?.get('body');
      const run = (body?: unknown): Promise<undefined> | undefined => {
        const values = { path: params.path ?? {}, query: params.query ?? {}, body };
        const problems = check && schema ? findProblems(schema, values) : [];
        if (!problems.length && (!secret || body === undefined)) return undefined;
        // Only a request that breaks a rule, or carries a JSON body, loads the rest.
        return import('./problem-report.js').then(({ hideSecrets, secretValues, validationError }) => {
          if (secret && body !== undefined) for (const value of secretValues(bodySchema, body)) secret(value);
          if (problems.length && schema) throw validationError(provider, operation, hideSecrets(schema, problems, { field: '' }));
          return undefined;
        });
      };
      // Only JSON bodies are read (multipart uploads are not checked).
      const json = request.body !== null && request.headers.get('content-type')?.includes('json') === true;
      if (json && (secret || bodySchema)) return request.clone().json().then(run);
      if (check && schema && !(bodySchema && request.body)) return run();
    },
  };
}
