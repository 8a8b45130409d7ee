import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../scripts/lib/json.js';
import { normalizeCompositionTypes, normalizeOverlappingOneOf } from '../../scripts/lib/normalize/compositions.js';

function withSchemas(schemas: JsonObject): JsonObject {
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {}, components: { schemas } };
}
const schemasOf = (doc: JsonObject) => (doc['components'] as JsonObject)['schemas'] as JsonObject;

describe('a type beside oneOf/anyOf whose branches carry their own types', () => {
  it('drops the sibling type the branches contradict (Together train_on_inputs)', () => {
    const doc = withSchemas({
      T: { oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['auto'] }], type: 'boolean', default: 'auto' },
    });
    expect(normalizeCompositionTypes(doc)).toBe(1);
    expect(schemasOf(doc)['T']).toEqual({ oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['auto'] }], default: 'auto' });
  });

  it('turns a nullable sibling type into a null branch (Together training_type)', () => {
    const doc = withSchemas({
      Full: { type: 'object' },
      T: { type: ['object', 'null'], anyOf: [{ $ref: '#/components/schemas/Full' }] },
    });
    expect(normalizeCompositionTypes(doc)).toBe(1);
    expect(schemasOf(doc)['T']).toEqual({ anyOf: [{ $ref: '#/components/schemas/Full' }, { type: 'null' }] });
  });

  it('leaves a consistent `type: object` beside object branches, and untyped branches, alone', () => {
    const doc = withSchemas({
      A: { type: 'object', oneOf: [{ $ref: '#/components/schemas/B' }, { type: 'object' }] },
      B: { type: 'object' },
      C: { type: 'string', anyOf: [{ minLength: 1 }, { maxLength: 0 }] },
    });
    expect(normalizeCompositionTypes(doc)).toBe(0);
    expect(schemasOf(doc)['A']).toHaveProperty('type', 'object');
    expect(schemasOf(doc)['C']).toHaveProperty('type', 'string');
  });
});

describe('oneOf whose object branches overlap', () => {
  it('becomes anyOf when an object branch requires nothing (Together scheduler args)', () => {
    const doc = withSchemas({
      Linear: { type: 'object', properties: { min_lr_ratio: { type: 'number' } } },
      Cosine: {
        type: 'object',
        properties: { min_lr_ratio: { type: 'number' }, num_cycles: { type: 'number' } },
        required: ['num_cycles'],
      },
      Args: { oneOf: [{ $ref: '#/components/schemas/Linear' }, { $ref: '#/components/schemas/Cosine' }] },
    });
    expect(normalizeOverlappingOneOf(doc)).toBe(1);
    expect(schemasOf(doc)['Args']).toEqual({ anyOf: [{ $ref: '#/components/schemas/Linear' }, { $ref: '#/components/schemas/Cosine' }] });
  });

  it('keeps oneOf with a discriminator, with disjoint required branches, or with closed branches', () => {
    const doc = withSchemas({
      A: { type: 'object', required: ['a'] },
      B: { type: 'object', required: ['b'] },
      Open: { type: 'object' },
      Disc: { oneOf: [{ $ref: '#/components/schemas/Open' }, { $ref: '#/components/schemas/A' }], discriminator: { propertyName: 'type' } },
      Disjoint: { oneOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }] },
      Closed: { oneOf: [{ type: 'object', additionalProperties: false }, { $ref: '#/components/schemas/A' }] },
    });
    expect(normalizeOverlappingOneOf(doc)).toBe(0);
  });
});
