import { describe, expect, it } from 'vitest';
import { diffSummaries } from '../../scripts/lib/diff.js';
import type { JsonObject } from '../../scripts/lib/json.js';
import { parseLock } from '../../scripts/lib/lock.js';
import { driftReport } from '../../scripts/lib/report.js';
import { summarize, type SurfaceSummary } from '../../scripts/lib/summary.js';

const doc: JsonObject = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/jobs': { get: { responses: {} }, post: { responses: {} }, parameters: [] },
    '/jobs/{id}': { delete: { responses: {} } },
  },
  components: {
    schemas: {
      Status: { type: 'string', enum: ['queued', 'running'] },
      Job: {
        type: 'object',
        required: ['id', 'status'],
        properties: {
          id: { type: 'string' },
          status: { $ref: '#/components/schemas/Status' },
          method: {
            type: 'object',
            properties: { type: { type: 'string', enum: ['sft', 'dpo'] }, stages: { type: 'array', items: { enum: ['a', 'b'] } } },
          },
          level: { anyOf: [{ type: 'string', enum: ['info'] }, { type: 'null' }] },
        },
      },
      Merged: {
        allOf: [{ $ref: '#/components/schemas/Job' }, { type: 'object', required: ['extra'], properties: { extra: { type: 'integer' } } }],
      },
    },
  },
};

describe('summarize', () => {
  it('lists operations and, per schema, properties, required and reachable enum values', () => {
    expect(summarize(doc)).toEqual({
      operations: ['DELETE /jobs/{id}', 'GET /jobs', 'POST /jobs'],
      schemas: {
        Job: {
          properties: ['id', 'level', 'method', 'status'],
          required: ['id', 'status'],
          propertyEnums: { level: ['info'], 'method.type': ['sft', 'dpo'], 'method.stages': ['a', 'b'] },
        },
        Merged: { properties: ['extra'], required: ['extra'] },
        Status: { properties: [], required: [], enum: ['queued', 'running'] },
      },
    });
  });

  it('round-trips through a lock file', () => {
    const summary = summarize(doc);
    const lock = parseLock(
      JSON.parse(JSON.stringify({ url: 'u', sha256: 'h', infoVersion: '1', pulledAt: '2026-01-01T00:00:00.000Z', surface: summary })),
      'lock',
    );
    expect(lock.surface).toEqual(summary);
    expect(() => parseLock({ url: 'u', sha256: 'h', infoVersion: '1', pulledAt: 'x', surface: { operations: [1] } }, 'lock')).toThrow(
      /lock: surface/,
    );
  });
});

describe('diff and drift report', () => {
  const before: SurfaceSummary = summarize(doc);
  const after: SurfaceSummary = {
    operations: ['GET /jobs', 'POST /jobs', 'POST /jobs/{id}/pause'],
    schemas: {
      Job: {
        properties: ['id', 'method', 'status', 'tags'],
        required: ['id', 'tags'],
        propertyEnums: { 'method.type': ['sft', 'grpo'], 'method.stages': ['a', 'b'] },
      },
      Status: { properties: [], required: [], enum: ['queued', 'running', 'paused', null] },
      Event: { properties: ['id'], required: [] },
    },
  };

  it('finds every kind of change', () => {
    expect(diffSummaries(before, after)).toEqual({
      operationsAdded: ['POST /jobs/{id}/pause'],
      operationsRemoved: ['DELETE /jobs/{id}'],
      schemasAdded: ['Event'],
      schemasRemoved: ['Merged'],
      propertiesAdded: ['Job.tags'],
      propertiesRemoved: ['Job.level'],
      enumChanges: [
        { target: 'Job.level', added: [], removed: ['info'] },
        { target: 'Job.method.type', added: ['grpo'], removed: ['dpo'] },
        { target: 'Status', added: ['paused', null], removed: [] },
      ],
      requiredChanges: [{ schema: 'Job', added: ['tags'], removed: ['status'] }],
    });
  });

  it('formats a readable report', () => {
    const header = { provider: 'acme', oldSha256: 'a'.repeat(64), newSha256: 'b'.repeat(64), oldVersion: '1', newVersion: '2' };
    expect(driftReport(header, before, after)).toBe(
      [
        'acme: upstream document changed',
        '  sha256 aaaaaaaaaaaa -> bbbbbbbbbbbb, info.version 1 -> 2',
        '  operations added:',
        '    + POST /jobs/{id}/pause',
        '  operations removed:',
        '    - DELETE /jobs/{id}',
        '  schemas added:',
        '    + Event',
        '  schemas removed:',
        '    - Merged',
        '  properties added:',
        '    + Job.tags',
        '  properties removed:',
        '    - Job.level',
        '  enum values added:',
        '    + Job.method.type: "grpo"',
        '    + Status: "paused", null',
        '  enum values removed:',
        '    - Job.level: "info"',
        '    - Job.method.type: "dpo"',
        '  required changed:',
        '    + Job.tags (now required)',
        '    - Job.status (no longer required)',
        '',
      ].join('\n'),
    );
  });

  it('says so when only bytes outside the surface changed', () => {
    const header = { provider: 'acme', oldSha256: 'a'.repeat(64), newSha256: 'c'.repeat(64), oldVersion: '1', newVersion: '1' };
    expect(driftReport(header, before, before)).toBe(
      [
        'acme: upstream document changed',
        '  sha256 aaaaaaaaaaaa -> cccccccccccc, info.version 1 (unchanged)',
        '  no change in the trimmed surface (operations, schemas, properties, enums, required)',
        '',
      ].join('\n'),
    );
  });
});
