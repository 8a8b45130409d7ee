/**
 * Every ```ts block of the README and the guides in docs/, and every JSDoc `@example` in src/, compiles against the real API (strict tsc), so none
 * can drift from the code. Each snippet becomes a module of its own in .tmp/snippets/, with a preamble that brings
 * in what a snippet may take for granted (the clients `nebius`, `together`, `openai`, an `id`, the package's
 * exports) unless the snippet declares it itself. The same compile checks test/types/exact-optional/usage.ts, what a
 * user with `exactOptionalPropertyTypes` on writes.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
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

/** What a user with `exactOptionalPropertyTypes` on writes (issue 15 item 5), compiled with the snippets. */
const USAGE = 'test/types/exact-optional/usage.ts';

interface Compiled {
  guides: string[];
  snippets: Snippet[];
  /** The snippet module each `snippet-NNN.ts` holds. */
  files: Map<string, Snippet>;
  /** tsc's diagnostics, one per error, its continuation lines joined. */
  diagnostics: string[];
}

/**
 * One strict tsc program for both checks below (one compiler start, not two): every snippet as a module of its own,
 * and the exact-optional usage, with `exactOptionalPropertyTypes` on (a snippet must compile for a user who has it
 * on; one that compiles with it compiles without). tunekit's own sources are not written for the flag: their errors
 * are `npm run typecheck`'s business, so each check reads only the errors of its own files (and any about the
 * configuration, without which no input found would pass vacuously).
 */
async function compile(): Promise<Compiled> {
  const guides = (await readdir(join(repoRoot, 'docs')))
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => join('docs', file));
  const snippets: Snippet[] = [];
  for (const file of ['README.md', ...guides]) snippets.push(...markdownSnippets(await readFile(join(repoRoot, file), 'utf8'), file));
  for (const file of await sourceFiles('src')) snippets.push(...jsdocExamples(await readFile(join(repoRoot, file), 'utf8'), file));

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
      compilerOptions: {
        noEmit: true,
        noUnusedLocals: false,
        allowImportingTsExtensions: true,
        exactOptionalPropertyTypes: true,
        paths,
        rootDir: '../..',
      },
      include: ['*.ts', `../../${USAGE}`],
      // The root tsconfig excludes the usage file (its flag is not the project's): nothing is excluded here.
      exclude: [],
    }),
  );
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const output = await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: repoRoot,
  }).then(
    () => '',
    (error: { code?: unknown; stdout: string; stderr: string }) => {
      // tsc exits 2 with its diagnostics on stdout when a file does not compile; anything else (a crash, a missing
      // tsc, exit 1 with nothing said) fails both tests as it is.
      if (error.code !== 2 || !error.stdout.trim())
        throw new Error(`tsc did not run (exit ${String(error.code)}): ${error.stderr || error.stdout}`);
      return error.stdout;
    },
  );
  const diagnostics: string[] = [];
  for (const line of output.split('\n').filter(Boolean)) {
    if (/^\s/.test(line) && diagnostics.length) diagnostics[diagnostics.length - 1] += `\n${line}`;
    else diagnostics.push(line);
  }
  return { guides, snippets, files, diagnostics };
}

/** A diagnostic about the configuration rather than a file (`error TS18003: No inputs were found …`). */
const isGlobal = (diagnostic: string): boolean => diagnostic.startsWith('error TS');

let compiled: Compiled;
beforeAll(async () => {
  compiled = await compile();
}, 120_000);

describe('documentation snippets compile', () => {
  it('every ts block of the README and docs/*.md and every JSDoc @example in src/ type-checks against the package', () => {
    const { guides, snippets, files, diagnostics } = compiled;
    expect(guides.length).toBeGreaterThan(5);
    expect(snippets.length).toBeGreaterThan(40);
    // Point each error at the Markdown line or source line the snippet came from.
    const located = diagnostics
      .filter((diagnostic) => isGlobal(diagnostic) || /snippet-\d+\.ts\(\d+,\d+\)/.test(diagnostic))
      .map((diagnostic) => {
        const match = /(snippet-\d+\.ts)\((\d+),\d+\): ([^]*)$/.exec(diagnostic);
        if (!match) return diagnostic;
        const snippet = files.get(match[1] ?? '');
        const [file, start] = (snippet?.at ?? '?:0').split(':');
        return `${file}:${Number(start) + Number(match[2]) - 2}: ${match[3]}`;
      });
    expect(located).toEqual([]);
  });
});

describe('exactOptionalPropertyTypes', () => {
  it('accepts undefined in every public option a user passes a maybe-value to', () => {
    const { diagnostics } = compiled;
    expect(diagnostics.filter((diagnostic) => isGlobal(diagnostic) || diagnostic.includes('exact-optional/usage.ts'))).toEqual([]);
  });
});
