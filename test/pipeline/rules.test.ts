import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../scripts/lib/json.js';
import { compileRules } from '../../scripts/lib/rules.js';
import { schemasOf, type Rules } from '../../src/core/schemas.js';
import { checkValue } from '../../src/core/validate.js';
import { REPO_ROOT, runScript, SHARED_SPEC_DIR, withTempDir } from './helpers.js';

function docWith(body: JsonObject, schemas: JsonObject = {}): JsonObject {
  return {
    openapi: '3.1.0',
    paths: {
      '/things/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        post: {
          parameters: [{ $ref: '#/components/parameters/Limit' }],
          requestBody: { required: true, content: { 'application/json': { schema: body } } },
          responses: {},
        },
        get: { responses: {} },
      },
      '/upload': {
        post: { requestBody: { content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'] } } } }, responses: {} },
      },
    },
    components: { parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } } }, schemas },
  };
}

/** Judge a body with compiled (not generated) rules. */
function judge(compiled: { s: JsonObject; o: JsonObject }, body: unknown): string | undefined {
  // The compiled data has the `Rules` shape by construction; the generated files are type-checked against it.
  const rules = compiled as unknown as Rules;
  const schema = schemasOf(rules).operation('POST /things/{id}');
  if (!schema) throw new Error('no rule');
  const [problem] = checkValue(schema, { path: { id: 'a' }, query: {}, body });
  return problem && `${problem.field} ${problem.rule}`;
}

describe('compileRules', () => {
  it('keys operations by method and path, merges path-level parameters, skips multipart and rule-less operations', () => {
    const { rules } = compileRules(docWith({ type: 'object' }));
    expect(Object.keys(rules.o)).toEqual(['GET /things/{id}', 'POST /things/{id}']);
    expect(JSON.stringify(rules.o['POST /things/{id}'])).toContain('"limit":{"t":4,"b":[1]}');
    expect(judge(rules, {})).toBeUndefined();
    expect(judge(rules, [])).toBe('body type object');
  });

  it('reduces unions of plain types to one type and drops the branches a plain type covers', () => {
    const { rules } = compileRules(
      docWith({
        type: 'object',
        properties: {
          seed: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
          name: { anyOf: [{ type: 'string' }, { type: 'string', const: 'x' }] },
          any: { anyOf: [{ type: 'string' }, {}] },
        },
      }),
    );
    expect(JSON.stringify(rules)).not.toContain('"u"');
    expect(judge(rules, { seed: 'x' })).toBe('body.seed type integer|null');
    expect(judge(rules, { name: 'y', any: 1 })).toBeUndefined();
  });

  it('shares repeated schemas by name, supports recursion, and marks secrets', () => {
    const { rules } = compileRules(
      docWith(
        {
          type: 'object',
          properties: { a: { $ref: '#/components/schemas/Node' }, b: { $ref: '#/components/schemas/Node' }, api_key: { type: 'string' } },
        },
        { Node: { type: 'object', properties: { value: { type: 'integer', maximum: 9 }, next: { $ref: '#/components/schemas/Node' } } } },
      ),
    );
    expect(Object.keys(rules.s)).toContain('Node');
    expect(JSON.stringify(rules.o)).toContain('"h":1');
    expect(judge(rules, { a: { next: { next: { value: 10 } } } })).toBe('body.a.next.next.value maximum 9');
    expect(judge(rules, { b: { value: 9, next: { value: 1 } } })).toBeUndefined();
  });

  it('counts the constraint keywords it does not check', () => {
    const { unchecked } = compileRules(docWith({ type: 'string', format: 'date', pattern: '^a' }));
    expect(Object.fromEntries(unchecked)).toEqual({ format: 1, pattern: 1 });
  });
});

describe('generate: rules', () => {
  it('writes generated/<provider>.rules.ts equal to the committed one, and --check catches a stale copy', async () => {
    await withTempDir(async (dir) => {
      const specs = path.join(dir, 'specs');
      const out = path.join(dir, 'generated');
      await mkdir(out);
      expect((await runScript('pull', ['--provider', 'nebius', '--mirror', SHARED_SPEC_DIR, '--out', specs])).code).toBe(0);
      expect((await runScript('generate', ['--provider', 'nebius', '--in', specs, '--out', out])).code).toBe(0);
      const target = path.join(out, 'nebius.rules.ts');
      const text = await readFile(target, 'utf8');
      expect(text).toBe(await readFile(path.join(REPO_ROOT, 'generated', 'nebius.rules.ts'), 'utf8'));
      expect(text).toContain('"POST /v1/fine_tuning/jobs":');
      await appendFile(target, '// hand edit\n');
      const stale = await runScript('generate', ['--provider', 'nebius', '--in', specs, '--out', out, '--check']);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('nebius.rules.ts');
      expect(stale.stderr).not.toMatch(/nebius\.ts\b/);
    });
  });
});

describe('generated rules are stable', () => {
  /** The lines of `generated/nebius.rules.ts` rendered from the trimmed document after `edit`, against the unedited render. */
  async function changedLines(edit: (doc: JsonObject) => void): Promise<string[]> {
    const { renderRules } = await import('../../scripts/lib/rules.js');
    const { readLock } = await import('../../scripts/lib/lock.js');
    const doc = JSON.parse(await readFile(path.join(REPO_ROOT, 'openapi', 'nebius.json'), 'utf8')) as JsonObject;
    const lock = await readLock(path.join(REPO_ROOT, 'openapi'), 'nebius');
    if (!lock) throw new Error('no lock');
    const before = renderRules(structuredClone(doc), lock).split('\n');
    const edited = structuredClone(doc);
    edit(edited);
    const after = renderRules(edited, lock).split('\n');
    expect(after).toHaveLength(before.length);
    return after.filter((line, n) => line !== before[n]);
  }
  const schema = (doc: JsonObject, name: string): JsonObject => {
    const components = doc['components'] as JsonObject;
    return (components['schemas'] as JsonObject)[name] as JsonObject;
  };

  it('a changed bound in one shared schema changes its one line, and no other rule is renamed or renumbered', async () => {
    const lines = await changedLines((doc) => {
      const properties = schema(doc, 'SupervisedHParameters')['properties'] as JsonObject;
      (properties['n_epochs'] as JsonObject)['maximum'] = 30;
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ {4}"SupervisedHParameters": .*"n_epochs":\{"t":4,"b":\[1,30\]\}/);
  });

  it('a new property on the job request changes only the line of that operation', async () => {
    const lines = await changedLines((doc) => {
      const properties = schema(doc, 'FineTuningRequest')['properties'] as JsonObject;
      properties['priority'] = { type: 'integer', minimum: 0 };
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ {4}"POST \/v1\/fine_tuning\/jobs": .*"priority":\{"t":4,"b":\[0\]\}/);
  });
});
