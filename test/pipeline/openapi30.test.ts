/** The normalization steps for a 3.0 document generated from TypeSpec (Azure's): openapi/QUIRKS.md 15–20. */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../scripts/lib/json.js';
import { normalizeDocument } from '../../scripts/lib/normalize/index.js';
import {
  completeDiscriminatorMappings,
  expandDiscriminatorBases,
  dropExternalRefExtensions,
  dropUnixtimeFormat,
  encodeMultipartObjects,
  stripSchemaPrefix,
  upgradeVersion,
} from '../../scripts/lib/normalize/openapi30.js';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

function azureLike(): JsonObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: 'v1' },
    paths: {
      '/files': {
        post: {
          requestBody: { required: true, content: { 'multipart/form-data': { schema: ref('AzureCreateFileRequestMultiPart') } } },
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: ref('OpenAI.FineTuningJob') } } } },
          'x-ms-examples': { 'Create a file request': { $ref: './examples/files.yaml' } },
        },
      },
    },
    components: {
      schemas: {
        AzureCreateFileRequestMultiPart: {
          type: 'object',
          required: ['file', 'expires_after'],
          properties: {
            file: { type: 'string', format: 'binary' },
            expires_after: { type: 'object', properties: { seconds: { type: 'integer' } } },
          },
        },
        'OpenAI.FineTuningJob': {
          type: 'object',
          properties: {
            created_at: { type: 'integer', format: 'unixtime' },
            grader: ref('OpenAI.Grader'),
            suffix: { type: 'string', nullable: true },
          },
        },
        'OpenAI.Grader': {
          type: 'object',
          required: ['type'],
          properties: { type: { type: 'string' } },
          discriminator: { propertyName: 'type', mapping: { multi: '#/components/schemas/OpenAI.GraderMulti' } },
        },
        'OpenAI.GraderMulti': { type: 'object', allOf: [ref('OpenAI.Grader')], properties: { type: { type: 'string', enum: ['multi'] } } },
        'OpenAI.GraderStringCheck': {
          type: 'object',
          allOf: [ref('OpenAI.Grader')],
          properties: { type: { type: 'string', enum: ['string_check'] } },
        },
        // A short name already taken: the prefixed one keeps its name.
        Taken: { type: 'string' },
        'OpenAI.Taken': { type: 'integer' },
      },
    },
  };
}

describe('the 3.0 steps, one by one', () => {
  it('drops an x-* extension holding a $ref outside the document, and nothing else', () => {
    const doc = azureLike();
    expect(dropExternalRefExtensions(doc)).toBe(1);
    expect(JSON.stringify(doc)).not.toContain('x-ms-examples');
    expect(JSON.stringify(doc)).toContain('#/components/schemas/AzureCreateFileRequestMultiPart');
  });

  it('strips the OpenAI. prefix from names and every $ref and mapping, unless the short name is taken', () => {
    const doc = azureLike();
    expect(stripSchemaPrefix(doc)).toBe(4);
    const schemas = (doc['components'] as { schemas: JsonObject }).schemas;
    expect(Object.keys(schemas).sort()).toEqual([
      'AzureCreateFileRequestMultiPart',
      'FineTuningJob',
      'Grader',
      'GraderMulti',
      'GraderStringCheck',
      'OpenAI.Taken',
      'Taken',
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/#\/components\/schemas\/OpenAI\.(FineTuningJob|Grader)/);
    expect((schemas['Grader'] as { discriminator: { mapping: JsonObject } }).discriminator.mapping).toEqual({
      multi: '#/components/schemas/GraderMulti',
    });
  });

  it('removes format: unixtime and keeps the integer', () => {
    const doc = azureLike();
    expect(dropUnixtimeFormat(doc)).toBe(1);
    expect(JSON.stringify(doc)).not.toContain('unixtime');
    expect(JSON.stringify(doc)).toContain('"created_at":{"type":"integer"}');
  });

  it('adds a discriminator mapping entry for a member that extends the base and is left out', () => {
    const doc = azureLike();
    expect(completeDiscriminatorMappings(doc)).toBe(1);
    const grader = (doc['components'] as { schemas: Record<string, { discriminator?: { mapping: JsonObject } }> }).schemas['OpenAI.Grader'];
    expect(grader?.discriminator?.mapping).toEqual({
      multi: '#/components/schemas/OpenAI.GraderMulti',
      string_check: '#/components/schemas/OpenAI.GraderStringCheck',
    });
    expect(completeDiscriminatorMappings(doc)).toBe(0);
  });

  it('reads a discriminator base as anyOf the schemas its mapping names, each with the base properties of its own', () => {
    const doc: JsonObject = {
      openapi: '3.1.0',
      info: { title: 't', version: 'v1' },
      paths: {},
      components: {
        schemas: {
          Integration: {
            type: 'object',
            required: ['type'],
            properties: { type: { type: 'string' } },
            discriminator: { propertyName: 'type', mapping: { wandb: '#/components/schemas/WandbIntegration' } },
          },
          WandbIntegration: {
            type: 'object',
            required: ['wandb'],
            properties: { type: { type: 'string', enum: ['wandb'] }, wandb: { type: 'object' } },
            allOf: [ref('Integration')],
          },
          Loose: {
            type: 'object',
            properties: { type: { type: 'string' } },
            discriminator: { propertyName: 'type', mapping: { x: '#/components/schemas/X' } },
          },
          X: { type: 'object', properties: { type: { type: 'string', enum: ['x'] } } },
        },
      },
    };
    expect(expandDiscriminatorBases(doc)).toBe(1);
    const schemas = (doc['components'] as { schemas: Record<string, JsonObject> }).schemas;
    expect(schemas['Integration']).toEqual({
      discriminator: { propertyName: 'type', mapping: { wandb: '#/components/schemas/WandbIntegration' } },
      anyOf: [ref('WandbIntegration')],
    });
    expect(schemas['WandbIntegration']).toEqual({
      type: 'object',
      required: ['type', 'wandb'],
      properties: { type: { type: 'string', enum: ['wandb'] }, wandb: { type: 'object' } },
    });
    // A base whose mapped schema does not extend it is left as it is.
    expect(schemas['Loose']?.['properties']).toEqual({ type: { type: 'string' } });
    expect(expandDiscriminatorBases(doc)).toBe(0);
  });

  it('declares the bracket (deepObject) encoding for a required object field of a multipart body, not an optional one', () => {
    const optional = azureLike();
    const body = (optional['components'] as { schemas: Record<string, { required: string[] }> }).schemas['AzureCreateFileRequestMultiPart'];
    if (body) body.required = ['file'];
    expect(encodeMultipartObjects(optional)).toBe(0);
    const doc = azureLike();
    expect(encodeMultipartObjects(doc)).toBe(1);
    expect(JSON.stringify(doc)).toContain('"encoding":{"expires_after":{"style":"deepObject","explode":true}}');
    expect(encodeMultipartObjects(doc)).toBe(0);
  });

  it('says 3.1.0 for a 3.0 document, and leaves a 3.1 one alone', () => {
    const doc = azureLike();
    expect(upgradeVersion(doc)).toBe(true);
    expect(doc['openapi']).toBe('3.1.0');
    expect(upgradeVersion(doc)).toBe(false);
  });
});

describe('normalizeDocument on a 3.0 document', () => {
  it('runs every step, with the 3.0 nullable rewritten the 3.1 way, and counts them', () => {
    const { doc, counts } = normalizeDocument(azureLike());
    expect(counts).toMatchObject({
      upgradedFrom30: true,
      prefixedNames: 4,
      unixtimeFormats: 1,
      externalRefExtensions: 1,
      discriminatorMappings: 1,
      multipartObjects: 1,
      nullable: 1,
    });
    expect(doc['openapi']).toBe('3.1.0');
    const job = (doc['components'] as { schemas: Record<string, { properties: Record<string, unknown> }> }).schemas['FineTuningJob'];
    expect(job?.properties['suffix']).toEqual({ type: ['string', 'null'] });
  });
});
