import { describe, expect, it } from 'vitest';
import { datasetProfiles, type DatasetFormat } from '../../src/dataset/index.js';
import { goodFiles } from './good-files.js';
import { check } from './helpers.js';

describe('good dataset files pass with no error and no warning', () => {
  it('cover every format of every provider', () => {
    for (const profile of Object.values(datasetProfiles)) {
      const formats = Object.keys(profile.formats) as DatasetFormat[];
      for (const format of formats)
        expect(
          goodFiles.some((f) => f.provider === profile.provider && f.format === format),
          `${profile.provider} ${format}`,
        ).toBe(true);
    }
  });

  it.each(goodFiles.map((f) => [`${f.provider}: ${f.name}`, f] as const))('%s', async (_, file) => {
    for (const eol of ['\n', '\r\n']) {
      const report = await check(eol === '\n' ? file.lines : file.lines.map((l) => `${l}\r`), { provider: file.provider });
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.format).toBe(file.format);
      expect(report.examples).toBe(file.lines.length);
      expect(report.stats.validExamples).toBe(file.lines.length);
      expect(report.stats.lineEndings).toBe(eol === '\n' ? 'lf' : 'crlf');
      expect(report.stats.tokens.total).toBeGreaterThan(0);
    }
  });
});
