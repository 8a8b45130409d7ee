/**
 * `npm run api` → api/<entry>.api.md: the public surface of every entry point (scripts/lib/entries.ts), as API
 * Extractor reports it from the built declarations in dist/. `--check` changes nothing and fails when a report
 * differs from what dist/ declares, saying how to update it.
 *
 * Release tags: everything an entry point exports is public unless its doc comment says `@internal`, so no export
 * needs a tag, and an `@internal` export is left out of the report (and of the reference, npm run docs). A type
 * that an export names but its entry point does not export (`ae-forgotten-export`) is noted in the report, so a
 * reviewer sees it; anything else API Extractor warns about fails the run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type * as ApiExtractorModule from '@microsoft/api-extractor';
import type { ExtractorMessage, IConfigFile } from '@microsoft/api-extractor';
import { parseArgs } from './lib/args.js';
import { isMain, runCli } from './lib/cli.js';
import { entryPoints, readManifest, type EntryPoint } from './lib/entries.js';
import { REPO_ROOT } from './lib/providers.js';

/** API Extractor, loaded by main (not for --help). */
type ApiExtractor = typeof ApiExtractorModule;

const USAGE = `usage: npm run api -- [--check] [--only SPECIFIER]

Writes api/<entry>.api.md, the public surface of each entry point in package.json exports, from dist/ (run
npm run build first).
  --check           change nothing; exit 1 when a report differs from the built declarations
  --only SPECIFIER  one entry point, e.g. tunekit/nebius`;

export const REPORT_FOLDER = 'api';
/** Where the reports are built before they are compared with (or copied to) the committed ones. */
const BUILT_FOLDER = join(REPO_ROOT, '.tmp', 'api');
export const UPDATE_INSTRUCTION = 'npm run build && npm run api';

/**
 * The TypeScript the package is built with: API Extractor takes its standard library declarations (ES2023, DOM) from
 * here, so the reports see the same `lib` as the build.
 */
const typescriptFolder = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));

function configFor({ ExtractorLogLevel }: ApiExtractor, entry: EntryPoint): IConfigFile {
  return {
    projectFolder: REPO_ROOT,
    mainEntryPointFilePath: join(REPO_ROOT, entry.declaration),
    compiler: {
      overrideTsconfig: {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'DOM', 'DOM.Iterable', 'DOM.AsyncIterable'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          types: ['node'],
          skipLibCheck: true,
        },
        files: [join(REPO_ROOT, entry.declaration)],
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: entry.slug,
      // The public variant: an export marked `@internal` is left out of the report, as it is out of the reference.
      reportVariants: ['public'],
      reportFolder: join(BUILT_FOLDER, 'reports'),
      reportTempFolder: join(BUILT_FOLDER, 'temp'),
      includeForgottenExports: false,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
      extractorMessageReporting: {
        default: { logLevel: ExtractorLogLevel.Error },
        // The policy above: untagged exports are public.
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        // `@internal` is enough to keep a name out of the reports; it needs no underscore as well.
        'ae-internal-missing-underscore': { logLevel: ExtractorLogLevel.None },
        // Documentation is checked by the reference build (npm run docs), which knows the house's rules.
        'ae-undocumented': { logLevel: ExtractorLogLevel.None },
        // A type that an export names but its entry point does not export: shown in the report, for the reviewer.
        'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
      },
      // Doc comment syntax is TypeDoc's to check (npm run docs); TSDoc's stricter dialect is not the house style.
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  };
}

/** The report of one entry point as dist/ declares it, with problems found on the way. */
function extract(extractor: ApiExtractor, entry: EntryPoint): { report: string; problems: string[] } {
  const { Extractor, ExtractorConfig, ExtractorLogLevel } = extractor;
  if (!existsSync(join(REPO_ROOT, entry.declaration))) throw new Error(`${entry.declaration} is missing: run npm run build first`);
  const config = ExtractorConfig.prepare({
    configObject: configFor(extractor, entry),
    configObjectFullPath: undefined,
    packageJsonFullPath: join(REPO_ROOT, 'package.json'),
    // API Extractor names a report's package; an entry point's specifier is not a package name, so it is set after.
    packageJson: { ...readManifest(), name: entry.slug, version: '0.0.0' },
  });
  mkdirSync(join(BUILT_FOLDER, 'reports'), { recursive: true });
  mkdirSync(join(BUILT_FOLDER, 'temp'), { recursive: true });
  const problems: string[] = [];
  Extractor.invoke(config, {
    localBuild: true,
    typescriptCompilerFolder: typescriptFolder,
    messageCallback: (message: ExtractorMessage) => {
      message.handled = true;
      // API Extractor analyses with its own TypeScript (6.0 for 7.60), which reads 5.9's declarations; a project
      // TypeScript newer than that engine is only an info notice upstream, and a failure here.
      if (message.messageId === 'console-compiler-version-notice') {
        problems.push(`${message.text} (npm install --save-dev @microsoft/api-extractor@latest)`);
        return;
      }
      if (message.logLevel !== ExtractorLogLevel.Error && message.logLevel !== ExtractorLogLevel.Warning) return;
      if (message.messageId.startsWith('console-api-report-')) return; // copied, changed, created: compared below
      const where = message.sourceFilePath ? `${relative(REPO_ROOT, message.sourceFilePath)}:${message.sourceFileLine ?? 0}: ` : '';
      problems.push(`${where}${message.text} (${message.messageId})`);
    },
  });
  const built = readFileSync(join(BUILT_FOLDER, 'reports', `${entry.slug}.public.api.md`), 'utf8');
  const report = built
    .replace(`API Report File for "${entry.slug}"`, `API Report File for "${entry.specifier}"`)
    // Warnings name declaration files and lines, which move with any edit or file move: the symbol is enough.
    .replace(/^\/\/ \S+\.d\.ts(:\d+:\d+)? - /gm, '// ')
    .replace(/ by the entry point \S+\.d\.ts/g, ' by the entry point')
    .replace(/^(\/\/ .+\n)\1+/gm, '$1');
  return { report, problems };
}

/** The lines that differ, `-` committed and `+` built, from a longest-common-subsequence walk (reports are small). */
function difference(committed: string, built: string): string {
  const before = committed.split('\n');
  const after = built.split('\n');
  const common: number[][] = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i]![j] = before[i] === after[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      i++;
      j++;
    } else if (i < before.length && (j === after.length || common[i + 1]![j]! >= common[i]![j + 1]!)) lines.push(`  - ${before[i++]}`);
    else lines.push(`  + ${after[j++]}`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--only'], ['--check']);
  const check = args.flags.has('--check');
  const only = args.values.get('--only');
  const entries = entryPoints().filter((entry) => !only || entry.specifier === only);
  if (!entries.length) throw new Error(`no entry point ${only ?? ''} in package.json exports`);
  const extractor = await import('@microsoft/api-extractor');
  let failed = false;
  let stale = false;
  for (const entry of entries) {
    const path = `${REPORT_FOLDER}/${entry.slug}.api.md`;
    const { report, problems } = extract(extractor, entry);
    for (const problem of problems) process.stderr.write(`${entry.specifier}: ${problem}\n`);
    if (problems.length) failed = true;
    const committed = existsSync(join(REPO_ROOT, path)) ? readFileSync(join(REPO_ROOT, path), 'utf8') : undefined;
    if (committed === report) {
      process.stdout.write(`${path}: unchanged\n`);
    } else if (check) {
      stale = true;
      writeFileSync(join(BUILT_FOLDER, `${entry.slug}.api.md`), report);
      process.stderr.write(
        `${path} ${committed === undefined ? 'is missing' : `does not match the public API of ${entry.specifier}`}:\n${difference(committed ?? '', report)}\n`,
      );
    } else {
      mkdirSync(join(REPO_ROOT, REPORT_FOLDER), { recursive: true });
      writeFileSync(join(REPO_ROOT, path), report);
      process.stdout.write(`${path}: ${committed === undefined ? 'written' : 'updated'}\n`);
    }
  }
  if (failed) process.stderr.write('\nAPI Extractor found the problems above: fix them in src/ (or the policy in scripts/api.ts).\n');
  if (stale)
    process.stderr.write(
      `\nThe public API changed and its report did not. If the change is meant, update the reports and commit them with it:\n  ${UPDATE_INSTRUCTION}\n`,
    );
  return failed || stale ? 1 : 0;
}

if (isMain(import.meta.url)) runCli(main, USAGE);
