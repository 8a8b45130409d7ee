import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { runCli } from './lib/cli.js';
import { isObject, type JsonObject } from './lib/json.js';
import { readLock } from './lib/lock.js';
import { REPO_ROOT, SOURCE_DIR, type ProviderName } from './lib/providers.js';
import { registeredProviders, renderPackageJson, renderRegistryFiles } from './lib/registry.js';
import { renderRules } from './lib/rules.js';
import { selectProviders } from './lib/select.js';

const USAGE = `usage: npm run generate -- [--provider NAME] [--in DIR] [--out DIR] [--check]

Writes generated/<provider>.ts (types, openapi-typescript) and generated/<provider>.rules.ts (request rules)
from the trimmed documents that \`npm run pull\` made; and, from the provider registry
(src/providers/registry/providers.ts), its per-layer lists beside it and package.json's exports (not with --out).
  --provider NAME   nebius, together or openai (default: all three)
  --in DIR          where the trimmed documents and locks are (default: openapi/)
  --out DIR         where to write (default: generated/)
  --check           write nothing; exit 1 if a generated file differs (CI runs this)`;

class GenerateError extends Error {}

async function readTrimmed(inDir: string, provider: ProviderName): Promise<JsonObject> {
  const file = path.join(inDir, `${provider}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new GenerateError(`${provider}: ${file} is missing; run \`npm run pull\` first (or \`npm run pull -- --mirror DIR\`)`);
  }
  const parsed: unknown = JSON.parse(text);
  if (!isObject(parsed)) throw new GenerateError(`${provider}: ${file} is not a JSON object; run \`npm run pull\` again`);
  return parsed;
}

/** The generated files of one provider: `<provider>.ts` (types) and `<provider>.rules.ts` (request rules). */
async function render(inDir: string, provider: ProviderName): Promise<[name: string, text: string][]> {
  const lock = await readLock(inDir, provider);
  if (lock === undefined) {
    throw new GenerateError(`${provider}: ${path.join(inDir, `${provider}.lock.json`)} is missing; run \`npm run pull\` first`);
  }
  const doc = await readTrimmed(inDir, provider);
  // Rules first, from a copy: openapi-typescript edits the document it is given (discriminators become required).
  const rules = renderRules(structuredClone(doc), lock);
  return [
    // openapi-typescript (and the TypeScript compiler under it) loads only when types are rendered, not for --help.
    [`${provider}.ts`, await (await import('./lib/render.js')).renderTypes(doc, lock)],
    [`${provider}.rules.ts`, rules],
  ];
}

async function currentText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--provider', '--in', '--out'], ['--check']);
  const providers = selectProviders(args.values.get('--provider'));
  const inDir = path.resolve(args.values.get('--in') ?? SOURCE_DIR);
  const outDir = path.resolve(args.values.get('--out') ?? path.join(REPO_ROOT, 'generated'));
  const check = args.flags.has('--check');
  const stale: string[] = [];
  if (!check) await mkdir(outDir, { recursive: true });
  for (const provider of providers) {
    for (const [name, text] of await render(inDir, provider)) {
      const file = path.join(outDir, name);
      if (check) {
        if ((await currentText(file)) !== text) stale.push(path.relative(process.cwd(), file) || file);
        continue;
      }
      await writeFile(file, text);
      process.stdout.write(`${provider}: wrote ${path.relative(process.cwd(), file)} (${Buffer.byteLength(text)} bytes)\n`);
    }
  }
  // The registry's derived files, unless writing elsewhere (they belong to this checkout's src/ and package.json).
  if (!args.values.has('--out')) {
    const names = await registeredProviders();
    const derived: [string, string][] = [...renderRegistryFiles(names), ['package.json', await renderPackageJson(names)]];
    for (const [name, text] of derived) {
      const file = path.join(REPO_ROOT, name);
      if (check) {
        if ((await currentText(file)) !== text) stale.push(name);
        continue;
      }
      if ((await currentText(file)) === text) continue;
      await writeFile(file, text);
      process.stdout.write(`registry: wrote ${name}\n`);
    }
  }
  if (!check) return 0;
  if (stale.length === 0) {
    process.stdout.write(`generated/ and the registry's files are up to date (${providers.join(', ')})\n`);
    return 0;
  }
  process.stderr.write(`stale generated files (run \`npm run generate\`):\n${stale.map((file) => `  ${file}`).join('\n')}\n`);
  return 1;
}

runCli(main, USAGE);
