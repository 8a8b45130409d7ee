import type { Readable } from 'node:stream';
import { describe, expectTypeOf, it } from 'vitest';
import type { DatasetCheckError, issueCodes } from '../../src/dataset/index.js';
import {
  assertDataset,
  checkDataset,
  datasetProfiles,
  formatDatasetReport,
  type CheckDatasetOptions,
  type DatasetFormat,
  type DatasetIssue,
  type DatasetIssueCode,
  type DatasetProvider,
  type DatasetReport,
  type DatasetSource,
  type TokenCounter,
} from '../../src/dataset/index.js';
import type { TunekitError } from '../../src/core/errors.js';

describe('tunekit/dataset public surface', () => {
  it('accepts a path, a Blob/File, a web stream, a Node stream and an async iterable', () => {
    expectTypeOf(checkDataset).parameter(0).toEqualTypeOf<DatasetSource>();
    expectTypeOf<string>().toMatchTypeOf<DatasetSource>();
    expectTypeOf<File>().toMatchTypeOf<DatasetSource>();
    expectTypeOf<ReadableStream<Uint8Array>>().toMatchTypeOf<DatasetSource>();
    expectTypeOf<Readable>().toMatchTypeOf<DatasetSource>();
    expectTypeOf<AsyncGenerator<Uint8Array>>().toMatchTypeOf<DatasetSource>();
    expectTypeOf<number>().not.toMatchTypeOf<DatasetSource>();
  });

  it('requires a provider and types every option', () => {
    expectTypeOf<{ provider: 'nebius' }>().toMatchTypeOf<CheckDatasetOptions>();
    expectTypeOf<{ model: string }>().not.toMatchTypeOf<CheckDatasetOptions>();
    expectTypeOf<CheckDatasetOptions['provider']>().toEqualTypeOf<DatasetProvider>();
    expectTypeOf<DatasetProvider>().toEqualTypeOf<'nebius' | 'together' | 'openai' | 'azure'>();
    expectTypeOf<CheckDatasetOptions['format']>().toEqualTypeOf<DatasetFormat | undefined>();
    expectTypeOf<DatasetFormat>().toEqualTypeOf<'chat' | 'preference' | 'instruction' | 'text' | 'pretokenized'>();
    expectTypeOf<{ provider: 'openai'; tokenizer: 'o200k_base' }>().toMatchTypeOf<CheckDatasetOptions>();
    expectTypeOf<{ provider: 'openai'; tokenizer: 'p50k' }>().not.toMatchTypeOf<CheckDatasetOptions>();
    expectTypeOf<{ name: string; exact: boolean; count: (text: string) => number }>().toMatchTypeOf<TokenCounter>();
  });

  it('returns a typed report whose issues carry stable codes', () => {
    expectTypeOf(checkDataset('a.jsonl', { provider: 'together' })).resolves.toEqualTypeOf<DatasetReport>();
    expectTypeOf<DatasetReport['errors']>().toEqualTypeOf<DatasetIssue[]>();
    expectTypeOf<DatasetIssue['code']>().toEqualTypeOf<DatasetIssueCode>();
    expectTypeOf<'role.repeated'>().toMatchTypeOf<DatasetIssueCode>();
    expectTypeOf<'role.bogus'>().not.toMatchTypeOf<DatasetIssueCode>();
    expectTypeOf<keyof typeof issueCodes>().toEqualTypeOf<DatasetIssueCode>();
    expectTypeOf<DatasetReport['stats']['tokens']['method']>().toEqualTypeOf<'exact' | 'estimate'>();
    expectTypeOf<DatasetReport['stats']['billedTokens']['total']>().toEqualTypeOf<number | undefined>();
    expectTypeOf(formatDatasetReport).returns.toEqualTypeOf<string>();
  });

  it('has a throwing variant for upload hooks', () => {
    expectTypeOf(assertDataset('a.jsonl', { provider: 'openai', where: 'openai files.upload' })).resolves.toEqualTypeOf<DatasetReport>();
    expectTypeOf<DatasetCheckError>().toMatchTypeOf<TunekitError>();
    expectTypeOf<DatasetCheckError['report']>().toEqualTypeOf<DatasetReport>();
    expectTypeOf(datasetProfiles.openai.minExamples).toEqualTypeOf<number>();
  });
});
