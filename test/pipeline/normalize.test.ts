import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../scripts/lib/json.js';
import { dropInvalidExamples } from '../../scripts/lib/normalize/examples.js';
import { normalizeExclusiveBounds } from '../../scripts/lib/normalize/exclusiveBounds.js';
import { normalizeDocument } from '../../scripts/lib/normalize/index.js';
import { normalizeNullable } from '../../scripts/lib/normalize/nullable.js';
import { normalizeNullEnum } from '../../scripts/lib/normalize/nullEnum.js';

function withSchemas(schemas: JsonObject, paths: JsonObject = {}): JsonObject {
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components: { schemas } };
}

function schemas(doc: JsonObject): JsonObject {
  return (doc['components'] as JsonObject)['schemas'] as JsonObject;
}

describe('nullable: true (3.0 habit)', () => {
  it('adds "null" to the type, to an enum, and inside nested schemas', () => {
    const doc = withSchemas({
      Job: {
        type: 'object',
        properties: {
          name: { type: 'string', nullable: true, description: 'n' },
          kinds: { type: ['string', 'integer'], nullable: true },
          level: { type: 'string', enum: ['a', 'b'], nullable: true },
          items: { type: 'array', items: { type: 'integer', nullable: true } },
          plain: { type: 'string', nullable: false },
        },
      },
    });
    expect(normalizeNullable(doc)).toEqual({ converted: 4, falseDropped: 1 });
    const props = (schemas(doc)['Job'] as JsonObject)['properties'];
    expect(props).toEqual({
      name: { type: ['string', 'null'], description: 'n' },
      kinds: { type: ['string', 'integer', 'null'] },
      level: { type: ['string', 'null'], enum: ['a', 'b', null] },
      items: { type: 'array', items: { type: ['integer', 'null'] } },
      plain: { type: 'string' },
    });
  });

  it('wraps typeless schemas ($ref, allOf) in anyOf with null, keeping annotations outside', () => {
    const doc = withSchemas({
      Job: {
        type: 'object',
        properties: {
          owner: { $ref: '#/components/schemas/Owner', nullable: true, description: 'who', default: null },
          merged: { allOf: [{ $ref: '#/components/schemas/Owner' }], nullable: true },
          either: { oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true },
        },
      },
      Owner: { type: 'object' },
    });
    expect(normalizeNullable(doc)).toEqual({ converted: 3, falseDropped: 0 });
    expect((schemas(doc)['Job'] as JsonObject)['properties']).toEqual({
      owner: { description: 'who', default: null, anyOf: [{ $ref: '#/components/schemas/Owner' }, { type: 'null' }] },
      merged: { anyOf: [{ allOf: [{ $ref: '#/components/schemas/Owner' }] }, { type: 'null' }] },
      either: { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] },
    });
  });

  it('reaches schemas in parameters, request bodies and responses', () => {
    const doc = withSchemas(
      {},
      {
        '/x': {
          get: {
            parameters: [{ name: 'after', in: 'query', schema: { type: 'string', nullable: true } }],
            requestBody: { content: { 'application/json': { schema: { type: 'integer', nullable: true } } } },
            responses: { '200': { content: { 'application/json': { schema: { type: 'boolean', nullable: true } } } } },
          },
        },
      },
    );
    expect(normalizeNullable(doc).converted).toBe(3);
    expect(JSON.stringify(doc)).not.toContain('nullable');
  });

  it('leaves example payloads alone', () => {
    const doc = withSchemas({ Flag: { type: 'object', example: { nullable: true } } });
    expect(normalizeNullable(doc)).toEqual({ converted: 0, falseDropped: 0 });
    expect(schemas(doc)['Flag']).toEqual({ type: 'object', example: { nullable: true } });
  });
});

describe('enum containing null on a string type', () => {
  it('widens the type to ["string", "null"] and keeps the enum', () => {
    const doc = withSchemas({
      Level: { type: 'string', enum: [null, 'info', 'error'] },
      Fine: { type: 'string', enum: ['a'] },
      Already: { type: ['string', 'null'], enum: [null, 'x'] },
    });
    expect(normalizeNullEnum(doc)).toBe(1);
    expect(schemas(doc)['Level']).toEqual({ type: ['string', 'null'], enum: [null, 'info', 'error'] });
    expect(schemas(doc)['Fine']).toEqual({ type: 'string', enum: ['a'] });
  });
});

describe('boolean exclusiveMinimum / exclusiveMaximum', () => {
  it('turns true into the numeric bound and removes false', () => {
    const doc = withSchemas({
      Rate: { type: 'number', minimum: 0, maximum: 2, exclusiveMinimum: true, exclusiveMaximum: false },
      Top: { type: 'number', maximum: 1, exclusiveMaximum: true },
      Loose: { type: 'number', exclusiveMinimum: true },
      Modern: { type: 'number', exclusiveMinimum: 0 },
    });
    expect(normalizeExclusiveBounds(doc)).toBe(4);
    expect(schemas(doc)).toEqual({
      Rate: { type: 'number', maximum: 2, exclusiveMinimum: 0 },
      Top: { type: 'number', exclusiveMaximum: 1 },
      Loose: { type: 'number' },
      Modern: { type: 'number', exclusiveMinimum: 0 },
    });
  });
});

describe('examples that fail their own schema', () => {
  it('drops failing schema, media type and parameter examples and keeps valid ones', () => {
    const doc = withSchemas(
      {
        Tags: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }], examples: ['one-tag', ['a', 'b']] },
        Job: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string' }, owner: { $ref: '#/components/schemas/Owner' } },
          example: { id: 'ft-1', owner: { name: 7 } },
        },
        Owner: { type: 'object', properties: { name: { type: 'string' } } },
        When: { type: 'string', format: 'date-time', example: 'not-a-date' },
      },
      {
        '/jobs': {
          get: {
            parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer' }, example: 'ten' }],
            responses: {
              '200': {
                content: {
                  'application/json': {
                    schema: { $ref: '#/components/schemas/Job' },
                    examples: { good: { value: { id: 'ft-2' } }, bad: { value: { owner: {} } } },
                  },
                },
              },
            },
          },
        },
      },
    );
    const counts = dropInvalidExamples(doc);
    expect(counts.dropped).toBe(4);
    expect(counts.checked).toBe(7);
    expect(counts.unchecked).toBe(0);
    expect(schemas(doc)['Tags']).toEqual({
      anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }],
      examples: [['a', 'b']],
    });
    expect(schemas(doc)['Job']).not.toHaveProperty('example');
    expect(schemas(doc)['When']).toHaveProperty('example', 'not-a-date');
    const operation = ((doc['paths'] as JsonObject)['/jobs'] as JsonObject)['get'] as JsonObject;
    expect((operation['parameters'] as JsonObject[])[0]).not.toHaveProperty('example');
    const media = ((operation['responses'] as JsonObject)['200'] as JsonObject)['content'] as JsonObject;
    expect((media['application/json'] as JsonObject)['examples']).toEqual({ good: { value: { id: 'ft-2' } } });
  });

  it('validates after the other fixes, so nullable examples survive', () => {
    const doc = withSchemas({ Name: { type: 'string', nullable: true, example: null } });
    const { counts } = normalizeDocument(doc);
    expect(counts.nullable).toBe(1);
    expect(counts.examplesDropped).toBe(0);
    expect(schemas(doc)['Name']).toEqual({ type: ['string', 'null'], example: null });
  });
});
