/**
 * `npm run docs` → .tmp/reference/: the API reference of every entry point in package.json exports
 * (scripts/lib/entries.ts), built by TypeDoc from the sources' doc comments, examples included. Any warning fails
 * the build: an undocumented export, a broken `{@link}`, a comment TypeDoc cannot read.
 */
import { join, relative } from 'node:path';
import type { ReflectionKind, TypeDocOptions } from 'typedoc';
import { parseArgs } from './lib/args.js';
import { isMain, runCli } from './lib/cli.js';
import { entryPoints } from './lib/entries.js';
import { REPO_ROOT } from './lib/providers.js';

const USAGE = `usage: npm run docs -- [--out DIR]

Builds the API reference of every entry point in package.json exports (TypeDoc, from the sources' doc comments)
into .tmp/reference/ (open index.html). Warnings are errors: every export documented, no broken link.
  --out DIR   write the reference to DIR instead`;

export const REFERENCE_FOLDER = join(REPO_ROOT, '.tmp', 'reference');

/** What must carry a doc comment: everything an entry point exports (members of a type may go without). */
const documentedKinds = [
  'Class',
  'Function',
  'Interface',
  'TypeAlias',
  'Variable',
  'Enum',
  'Namespace',
  'Module',
] as const satisfies readonly (keyof typeof ReflectionKind)[];

/** The generated OpenAPI types of each provider document, shown through the named aliases of its entry point. */
const generatedTypes = ['paths', 'operations', 'Schemas'];
/** Named in a public signature, not exported by any entry point yet: exporting them is an API change of its own. */
const notYetExported = ['ModelRule', 'AttemptOutcome', 'ChatRules', 'PreferenceRules', 'ParquetRules', 'RequestSummary'];
/** The provider registry's internals that the derived public types are written in (`ProviderName` is `keyof typeof providers`, `RouteKey` an `OperationKey` of `SandboxPaths`). */
const registryInternals = ['providers', 'tunings', 'sandboxes', 'SandboxPaths', 'TuningTypesOf', 'OperationKey'];

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--out'], []);
  const out = args.values.get('--out') ?? REFERENCE_FOLDER;
  // TypeDoc (and the compiler under it) loads here, not for --help.
  const { Application, LogLevel, OptionDefaults, ReflectionKind } = await import('typedoc');
  const options: TypeDocOptions = {
    name: 'tunekit',
    entryPoints: entryPoints().map((entry) => join(REPO_ROOT, entry.source)),
    entryPointStrategy: 'resolve',
    tsconfig: join(REPO_ROOT, 'tsconfig.json'),
    // npm run typecheck reports type errors; the reference need not check the whole program again.
    skipErrorChecking: true,
    readme: 'none',
    out,
    excludeInternal: true,
    excludePrivate: true,
    treatWarningsAsErrors: true,
    treatValidationWarningsAsErrors: true,
    validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: true, unusedMergeModuleWith: true },
    requiredToBeDocumented: [...documentedKinds],
    // openapi-typescript writes these tags into generated/ (its descriptions and constants of the documents).
    blockTags: [...OptionDefaults.blockTags, '@description', '@constant'],
    // Types the exports are written in but no entry point exports: the generated document types (a provider's
    // named aliases such as NebiusJob are the public face of them) and helpers to export later (see the API reports).
    intentionallyNotExported: [...generatedTypes, ...notYetExported, ...registryInternals],
    // No public repository to link sources to (and a clone's `origin` is a local path).
    disableSources: true,
    logLevel: LogLevel.Warn,
    sort: ['kind', 'alphabetical'],
    githubPages: false,
    hideGenerator: true,
  };
  const app = await Application.bootstrapWithPlugins(options);
  const project = await app.convert();
  if (!project) return 1;
  app.validate(project);
  // The house rule: every public function shows how it is called.
  for (const reflection of project.getReflectionsByKind(ReflectionKind.Function)) {
    const comments = [
      reflection.comment,
      ...(reflection.isDeclaration() ? (reflection.signatures ?? []).map((signature) => signature.comment) : []),
    ];
    if (!comments.some((comment) => comment?.getTag('@example')))
      app.logger.warn(`${reflection.getFriendlyFullName()} (Function) has no @example`);
  }
  if (app.logger.hasErrors() || app.logger.hasWarnings()) return 1;
  await app.generateDocs(project, out);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) return 1;
  process.stdout.write(`reference: ${relative(process.cwd(), join(out, 'index.html'))}\n`);
  return 0;
}

if (isMain(import.meta.url)) runCli(main, USAGE);
