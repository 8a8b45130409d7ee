/**
 * `npm run check:names`: outside `src/providers/`, no file in `src/` names a provider in a string: every string,
 * template and regular expression literal is searched for each registered provider's name and label. A name that is
 * also an English word ("used together") counts where it reads as the name: the whole literal, beside `|`, `=`, `/`
 * or `.` (`a|b`, `api.x.com`), or after `provider`; the label's first word (`Nebius`, `OpenAI`) counts anywhere,
 * case-sensitively. The engines reach a provider only through the registry; CI runs this.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type Typescript from 'typescript';
import { isMain, runCli } from './lib/cli.js';
import { REPO_ROOT } from './lib/providers.js';

const USAGE = `usage: npm run check:names

Exits 1, listing each place, when a file in src/ outside src/providers/ has a provider's name in a string,
template or regular expression literal (comments may name providers).`;

/** Every TypeScript file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(file) : /\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** What names a provider in a literal: its name where it reads as the name, its label's first word anywhere. */
export function namePattern(providers: readonly { name: string; label: string }[]): RegExp {
  const names = providers.map((p) => p.name).join('|');
  const labels = providers.map((p) => p.label.split(' ')[0]).join('|');
  return new RegExp(`^['"\`](${names})['"\`]$|[|=/.](${names})\\b|\\b(${names})[|=/.]|provider:? (${names})\\b|\\b(${labels})\\b`);
}

/** `file:line: text` for each literal of `file` that `pattern` finds. */
export function namedIn(ts: typeof Typescript, file: string, text: string, pattern: RegExp): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: Typescript.Node): void => {
    const literal =
      ts.isStringLiteralLike(node) ||
      ts.isRegularExpressionLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
        ? node.getText(source)
        : undefined;
    if (literal !== undefined && pattern.test(literal)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${path.relative(REPO_ROOT, file)}:${line + 1}: ${literal}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

async function main(): Promise<number> {
  const registry: unknown = await import(pathToFileURL(path.join(REPO_ROOT, 'src/providers/registry/providers.ts')).href);
  const facts =
    typeof registry === 'object' &&
    registry !== null &&
    'providers' in registry &&
    typeof registry.providers === 'object' &&
    registry.providers
      ? Object.values(registry.providers)
      : [];
  const providers = facts.filter((f): f is { name: string; label: string } => typeof f?.name === 'string' && typeof f?.label === 'string');
  if (!providers.length) throw new Error('src/providers/registry/providers.ts exports no providers');
  const names = providers.map((p) => p.name);
  const pattern = namePattern(providers);
  const providersDir = path.join(REPO_ROOT, 'src/providers') + path.sep;
  const files = sources(path.join(REPO_ROOT, 'src')).filter((file) => !file.startsWith(providersDir));
  // The compiler's parser loads here, not for --help.
  const { default: ts } = await import('typescript');
  const found = files.flatMap((file) => namedIn(ts, file, readFileSync(file, 'utf8'), pattern));
  if (found.length) {
    process.stderr.write(
      `a provider is named outside src/providers/ (take it from the registry instead):\n${found.map((line) => `  ${line}`).join('\n')}\n`,
    );
    return 1;
  }
  process.stdout.write(`no provider named in ${files.length} files outside src/providers/ (${names.join(', ')})\n`);
  return 0;
}

if (isMain(import.meta.url)) runCli(main, USAGE);
