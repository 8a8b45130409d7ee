import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../scripts/lib/json.js';
import { matchesPrefix } from '../../scripts/lib/surface.js';
import { trimDocument } from '../../scripts/lib/trim.js';

function fixture(): JsonObject {
  return {
    openapi: '3.1.0',
    info: { title: 'fixture', version: '1.2.3' },
    servers: [{ url: 'https://example.test/v1' }],
    security: [{ bearer: [] }],
    tags: [{ name: 'files' }, { name: 'models' }],
    'x-vendor': { dropped: true },
    webhooks: { ping: {} },
    paths: {
      '/files': {
        get: {
          tags: ['files'],
          parameters: [{ $ref: '#/components/parameters/Limit' }],
          responses: { '200': { $ref: '#/components/responses/FileList' } },
        },
        post: {
          requestBody: { $ref: '#/components/requestBodies/Upload' },
          responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/File' } } } } },
          security: [{ apiKey: [] }],
        },
      },
      '/files/{id}': {
        delete: { responses: { '204': { description: 'gone' } } },
      },
      '/files_x': { get: { tags: ['models'], responses: { '200': { $ref: '#/components/responses/Unused' } } } },
      '/files/internal': { get: { responses: { '200': { description: 'excluded' } } } },
      '/models': { get: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Model' } } } } } } },
    },
    components: {
      schemas: {
        File: {
          type: 'object',
          properties: {
            owner: { $ref: '#/components/schemas/Owner' },
            kind: {
              oneOf: [{ $ref: '#/components/schemas/Jsonl' }],
              discriminator: { propertyName: 't', mapping: { j: '#/components/schemas/Parquet' } },
            },
          },
        },
        Owner: { allOf: [{ $ref: '#/components/schemas/Named' }] },
        Named: { type: 'object', properties: { name: { type: 'string' } } },
        Jsonl: { type: 'object' },
        Parquet: { type: 'object' },
        FileList: { type: 'array', items: { $ref: '#/components/schemas/File' } },
        Model: { type: 'object' },
        'Upload body': { type: 'object', properties: { file: { $ref: '#/components/schemas/a~1b' } } },
        'a/b': { type: 'string', format: 'binary' },
        Orphan: { type: 'string' },
      },
      parameters: {
        Limit: { name: 'limit', in: 'query', schema: { $ref: '#/components/schemas/Count' } },
        Other: { name: 'x', in: 'query' },
      },
      responses: {
        FileList: { description: 'list', content: { 'application/json': { schema: { $ref: '#/components/schemas/FileList' } } } },
        Unused: { description: 'unused' },
      },
      requestBodies: { Upload: { content: { 'multipart/form-data': { schema: { $ref: '#/components/schemas/Upload%20body' } } } } },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-key' },
        unused: { type: 'http', scheme: 'basic' },
      },
    },
  };
}

describe('surface prefixes', () => {
  it('match the prefix itself and sub-paths only', () => {
    expect(matchesPrefix('/files', '/files')).toBe(true);
    expect(matchesPrefix('/files/{id}', '/files')).toBe(true);
    expect(matchesPrefix('/files_x', '/files')).toBe(false);
    expect(matchesPrefix('/file', '/files')).toBe(false);
  });
});

describe('trimDocument', () => {
  const surface = { include: ['/files'], exclude: ['/files/internal'] };

  it('keeps the surface paths with all their operations', () => {
    const { doc } = trimDocument(fixture(), surface);
    expect(Object.keys(doc['paths'] as JsonObject)).toEqual(['/files', '/files/{id}']);
    expect(Object.keys((doc['paths'] as JsonObject)['/files'] as JsonObject)).toEqual(['get', 'post']);
  });

  it('keeps the transitive closure of component references of every kind and drops the rest', () => {
    const { doc, missingRefs } = trimDocument(fixture(), surface);
    const components = doc['components'] as JsonObject;
    expect(Object.keys(components['schemas'] as JsonObject).sort()).toEqual(
      ['File', 'FileList', 'Jsonl', 'Named', 'Owner', 'Parquet', 'Upload body', 'a/b'].sort(),
    );
    expect(Object.keys(components['parameters'] as JsonObject)).toEqual(['Limit']);
    expect(Object.keys(components['responses'] as JsonObject)).toEqual(['FileList']);
    expect(Object.keys(components['requestBodies'] as JsonObject)).toEqual(['Upload']);
    expect(Object.keys(components['securitySchemes'] as JsonObject)).toEqual(['bearer', 'apiKey']);
    expect(missingRefs).toEqual(['#/components/schemas/Count']);
  });

  it('keeps openapi, info, servers, security and used tags only', () => {
    const { doc } = trimDocument(fixture(), surface);
    expect(Object.keys(doc)).toEqual(['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components']);
    expect(doc['tags']).toEqual([{ name: 'files' }]);
    expect(doc['info']).toEqual({ title: 'fixture', version: '1.2.3' });
  });

  it('does not share objects with the input', () => {
    const input = fixture();
    const { doc } = trimDocument(input, surface);
    ((doc['components'] as JsonObject)['schemas'] as JsonObject)['Named'] = 'changed';
    expect(((input['components'] as JsonObject)['schemas'] as JsonObject)['Named']).toEqual({
      type: 'object',
      properties: { name: { type: 'string' } },
    });
  });
});
