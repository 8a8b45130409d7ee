/**
 * Every ```ts block of the README and the guides in docs/, and every JSDoc `@example` in src/, compiles against the real API (strict tsc), so none
 * can drift from the code. Each snippet becomes a module of its own in .tmp/snippets/, with a preamble that brings
 * in what a snippet may take for granted (the clients `nebius`, `together`, `openai`, an `id`, the package's
 * exports) unless the snippet declares it itself.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/prism.js';

interface Snippet {
  /** Where it was found, `README.md:42`, `docs/cli.md:12` or `src/core/retry.ts:37`. */
  at: string;
  code: string;
}

/** The ```ts / ```typescript blocks of a Markdown file. */
export function markdownSnippets(text: string, file: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[n] ?? '')) continue;
    const start = n + 1;
    let end = start;
    while (end < lines.length && !(lines[end] ?? '').startsWith('```')) end++;
    snippets.push({ at: `${file}:${start + 1}`, code: lines.slice(start, end).join('\n') });
    n = end;
  }
  return snippets;
}

/** The `@example` blocks of a TypeScript file's JSDoc comments (with or without ``` fences). */
export function jsdocExamples(text: string, file: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    if (!/^\s*\*\s*@example\b/.test(lines[n] ?? '')) continue;
    const start = n + 1;
    const body: string[] = [];
    let m = start;
    for (; m < lines.length; m++) {
      const line = lines[m] ?? '';
      if (/^\s*\*\//.test(line) || /^\s*\*\s*@\w+/.test(line)) break;
      body.push(line.replace(/^\s*\* ?/, ''));
    }
    const code = body.filter((line) => !line.startsWith('```')).join('\n');
    snippets.push({ at: `${file}:${start + 1}`, code });
    n = m - 1;
  }
  return snippets;
}

/** Names a snippet brings into scope itself: its imports and top-level declarations. */
function declared(code: string): Set<string> {
  const names = new Set<string>();
  for (const [, list] of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of (list ?? '').split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.replace(/^type\s+/, '');
      if (name) names.add(name);
    }
  }
  for (const [, name] of code.matchAll(
    /^\s*(?:export\s+)?(?:const|let|var|function|class|async function|await using|using)\s+([A-Za-z_$][\w$]*)/gm,
  ))
    if (name) names.add(name);
  for (const [, list] of code.matchAll(/^(?:const|let)\s+\{([^}]*)\}\s*=/gm)) {
    for (const part of (list ?? '').split(',')) {
      const name = part.split(':').pop()?.trim();
      if (name) names.add(name);
    }
  }
  return names;
}

/** What a snippet may use without declaring it. */
const GIVEN: Record<string, string> = {
  nebius: "declare const nebius: import('tunekit/nebius').NebiusClient;",
  together: "declare const together: import('tunekit/together').TogetherClient;",
  openai: "declare const openai: import('tunekit/openai').OpenAIClient;",
  azure: "declare const azure: import('tunekit/azure').AzureOpenAIClient;",
  id: 'declare const id: string;',
  sandbox: "declare const sandbox: import('tunekit/testing').Sandbox<'openai'>;",
  job: 'declare const job: { id: string };',
  jobId: 'declare const jobId: string;',
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(repoRoot, dir), { recursive: true });
  return entries.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).map((file) => join(dir, file));
}

describe('documentation snippets compile', () => {
  it('every ts block of the README and docs/*.md and every JSDoc @example in src/ type-checks against the package', async () => {
    const guides = (await readdir(join(repoRoot, 'docs')))
      .filter((file) => file.endsWith('.md'))
      .sort()
      .map((file) => join('docs', file));
    expect(guides.length).toBeGreaterThan(5);
    const snippets: Snippet[] = [];
    for (const file of ['README.md', ...guides]) snippets.push(...markdownSnippets(await readFile(join(repoRoot, file), 'utf8'), file));
    for (const file of await sourceFiles('src')) snippets.push(...jsdocExamples(await readFile(join(repoRoot, file), 'utf8'), file));
    expect(snippets.length).toBeGreaterThan(40);

    // The root's runtime exports (its clients come from the provider registry), those a snippet may use unimported.
    const exported = Object.keys(await import('../../src/index.js')).filter((name) =>
      /^(create\w+Client|[A-Z]\w*Error|PageList|retryDelay|defaultRetryPolicy)$/.test(name),
    );
    const dir = join(repoRoot, '.tmp', 'snippets');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const files = new Map<string, Snippet>();
    for (const [n, snippet] of snippets.entries()) {
      const own = declared(snippet.code);
      const imports = [...new Set(exported)].filter((name) => name && !own.has(name) && new RegExp(`\\b${name}\\b`).test(snippet.code));
      const preamble = [
        imports.length ? `import { ${imports.join(', ')} } from 'tunekit';` : '',
        ...Object.entries(GIVEN)
          .filter(([name]) => !own.has(name) && new RegExp(`\\b${name}\\b`).test(snippet.code))
          .map(([, line]) => line),
      ].filter(Boolean);
      const name = `snippet-${String(n).padStart(3, '0')}.ts`;
      files.set(name, snippet);
      // The preamble is one line, so a snippet's line k is the file's line k + 1.
      await writeFile(join(dir, name), `${preamble.join(' ')}\n${snippet.code}\nexport {};\n`);
    }
    const paths = {
      tunekit: ['../../src/index.ts'],
      'tunekit/nebius': ['../../src/providers/nebius/index.ts'],
      'tunekit/together': ['../../src/providers/together/index.ts'],
      'tunekit/openai': ['../../src/providers/openai/index.ts'],
      'tunekit/azure': ['../../src/providers/azure/index.ts'],
      'tunekit/*': ['../../src/*.ts', '../../src/*/index.ts'],
    };
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noEmit: true, noUnusedLocals: false, allowImportingTsExtensions: true, paths, rootDir: '../..' },
        include: ['*.ts'],
      }),
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
      cwd: repoRoot,
    }).then(
      () => '',
      (error: { code?: unknown; stdout: string; stderr: string }) => {
        // tsc exits 2 with its diagnostics on stdout when a snippet does not compile; anything else (a crash, a
        // missing tsc, exit 1 with nothing said) fails the test as it is.
        if (error.code !== 2 || !error.stdout.trim())
          throw new Error(`tsc did not run (exit ${String(error.code)}): ${error.stderr || error.stdout}`);
        return error.stdout;
      },
    );
    // Point each error at the Markdown line or source line the snippet came from.
    const located = result
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const match =
          /^(?:\.tmp\/snippets\/)?(snippet-\d+\.ts)\((\d+),\d+\): (.*)$/.exec(
            relative(repoRoot, line.startsWith('/') ? line : join(repoRoot, line)).replace(/\\/g, '/'),
          ) ?? /(snippet-\d+\.ts)\((\d+),\d+\): (.*)$/.exec(line);
        if (!match) return line;
        const snippet = files.get(match[1] ?? '');
        const [file, start] = (snippet?.at ?? '?:0').split(':');
        return `${file}:${Number(start) + Number(match[2]) - 2}: ${match[3]}`;
      });
    expect(located).toEqual([]);
  }, 120_000);
});
