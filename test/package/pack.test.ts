import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSandbox } from '../../src/testing.js';
import { chatLines, cleanEnv } from '../cli/support.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { requireChromium } from '../support/requirements.js';
import { json, startLocalServer, type LocalServer } from '../support/local-server.js';
import { packedTarball } from '../support/packed.js';
import { repoRoot } from '../support/prism.js';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const bin = (name: string): string => join(repoRoot, 'node_modules', '.bin', name);
let project = '';
let tarball = '';
let server: LocalServer;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'tunekit-user-'));
  // The run's one `npm pack` (test/package/manifest.test.ts checks its package.json).
  ({ tarball } = await packedTarball());
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project, stdio: 'ignore' });
  server = await startLocalServer((req, res) =>
    req.url.endsWith('/missing')
      ? json(res, 404, { detail: 'Not Found' })
      : json(res, 200, { id: 'ftjob-9', object: 'fine_tuning.job', created_at: 1, model: 'm', status: 'queued', training_file: 'f' }),
  );
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the npm tarball', () => {
  it('ships compiled JavaScript (ESM, CommonJS, browser) and types only, no TypeScript sources or pulled documents', async () => {
    const installed = join(project, 'node_modules/tunekit');
    const files = await readdir(installed, { recursive: true });
    for (const file of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/providers/nebius/index.js',
      'dist/cjs/src/index.cjs',
      'dist/cjs/src/index.d.cts',
      'dist/browser/src/providers/nebius/index.js',
    ]) {
      expect(files).toContain(join(...file.split('/')));
    }
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.d.cts'))).toEqual([]);
    expect(files.some((f) => f.startsWith('openapi'))).toBe(false);
  });

  it('is imported and used by a plain Node project, from `tunekit` and `tunekit/nebius`', async () => {
    const program = `
      import { createNebiusClient as fromRoot, NotFoundError } from 'tunekit';
      import { createNebiusClient } from 'tunekit/nebius';
      const job = await createNebiusClient({ apiKey: 'k', baseUrl: process.argv[2] }).jobs.retrieve('ftjob-9');
      console.log(JSON.stringify({ id: job.id, same: fromRoot === createNebiusClient, errors: typeof NotFoundError }));
    `;
    await writeFile(join(project, 'main.mjs'), program);
    const { stdout } = await run(process.execPath, ['main.mjs', server.url], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(stdout)).toEqual({ id: 'ftjob-9', same: true, errors: 'function' });
  });

  it('is required by a CommonJS project, every entry point sharing one core (instanceof holds across them)', async () => {
    const program = `
      const { NotFoundError, TunekitError, createNebiusClient: fromRoot } = require('tunekit');
      const { createNebiusClient } = require('tunekit/nebius');
      const { createTogetherClient } = require('tunekit/together');
      const { createOpenAIClient } = require('tunekit/openai');
      (async () => {
        const nebius = createNebiusClient({ apiKey: 'k', baseUrl: process.argv[2] });
        const job = await nebius.jobs.retrieve('ftjob-9');
        const error = await nebius.jobs.retrieve('missing').catch((e) => e);
        console.log(JSON.stringify({
          id: job.id,
          same: fromRoot === createNebiusClient,
          notFound: error instanceof NotFoundError && error instanceof TunekitError,
          message: error.message,
          others: typeof createTogetherClient === 'function' && typeof createOpenAIClient === 'function',
        }));
      })();
    `;
    await writeFile(join(project, 'main.cjs'), program);
    const { stdout, stderr } = await run(process.execPath, ['main.cjs', server.url], { cwd: project, encoding: 'utf8' });
    expect(stderr).toBe(''); // no ExperimentalWarning: it is a real CommonJS build, not require(esm)
    expect(JSON.parse(stdout)).toEqual({
      id: 'ftjob-9',
      same: true,
      notFound: true,
      others: true,
      message: 'nebius GET /v1/fine_tuning/jobs/missing failed with 404: Not Found',
    });
  });

  it('files.upload({ check: true }) finds the dataset checker from the installed ESM and CommonJS builds, and a bad file is never sent', async () => {
    await writeFile(join(project, 'bad.jsonl'), '{"messages": [{"role": "user", "content": "no answer"}]}\n');
    const before = server.requests.length;
    const esm = `
      import { createNebiusClient } from 'tunekit/nebius';
      const error = await createNebiusClient({ apiKey: 'k', baseUrl: process.argv[2] }).files.upload('bad.jsonl', { check: true }).catch((e) => e);
      console.log(JSON.stringify({ name: error.name, errors: error.report?.counts.errors }));
    `;
    const cjs = `
      const { createOpenAIClient } = require('tunekit/openai');
      createOpenAIClient({ apiKey: 'k', baseUrl: process.argv[2] }).files.upload('bad.jsonl', { check: true }).catch((e) => {
        console.log(JSON.stringify({ name: e.name, errors: e.report && e.report.counts.errors }));
      });
    `;
    await writeFile(join(project, 'check.mjs'), esm);
    await writeFile(join(project, 'check.cjs'), cjs);
    for (const program of ['check.mjs', 'check.cjs']) {
      const { stdout } = await run(process.execPath, [program, server.url], { cwd: project, encoding: 'utf8' });
      expect(JSON.parse(stdout), program).toMatchObject({ name: 'DatasetCheckError', errors: expect.any(Number) });
    }
    expect(server.requests.length).toBe(before);
  });

  it('a client entry point loads no sandbox, dataset-checker or CLI code, and a provider loads no other provider', async () => {
    const dist = join(project, 'node_modules/tunekit/dist/src');
    /** The files an ESM module loads at import time: its static imports, transitively (dynamic `import()` excluded). */
    const closure = async (file: string, seen = new Set<string>()): Promise<Set<string>> => {
      if (seen.has(file)) return seen;
      seen.add(file);
      const code = await readFile(file, 'utf8');
      for (const [, spec] of code.matchAll(
        /(?:^|[;\n])\s*(?:import|export)\s[^'"()]*?from\s*["'](\.[^"']+)["']|(?:^|[;\n])\s*import\s*["'](\.[^"']+)["']/g,
      )) {
        if (spec) await closure(join(file, '..', spec), seen);
      }
      return seen;
    };
    const loaded = async (entry: string): Promise<string> => {
      const files = await closure(join(dist, entry));
      return (await Promise.all([...files].map((f) => readFile(f, 'utf8')))).join('\n');
    };
    expect((await closure(join(dist, 'providers/nebius/index.js'))).size).toBeGreaterThan(2); // the entry and its chunks
    const notClient = [/startSandbox/, /_sandbox\/health/, /function checkDataset/, /gpt-tokenizer/, /commander/];
    for (const entry of ['index.js', 'providers/nebius/index.js', 'providers/together/index.js', 'providers/openai/index.js']) {
      const code = await loaded(entry);
      for (const marker of notClient) expect(code, `${entry} loads ${marker}`).not.toMatch(marker);
    }
    const hosts = { nebius: 'api.tokenfactory.nebius.com', together: 'api.together.ai', openai: 'api.openai.com' };
    for (const provider of ['nebius', 'together', 'openai'] as const) {
      const code = await loaded(`providers/${provider}/index.js`);
      for (const [other, host] of Object.entries(hosts)) expect(code.includes(host), `${provider} loads ${other}`).toBe(other === provider);
    }
    // The dataset checker is there for files.upload({ check: true }): behind a dynamic import, loaded only then.
    expect(await readFile(join(dist, 'providers/nebius/index.js'), 'utf8')).not.toMatch(/checkDataset/);
  });

  it('instanceof holds across copies of tunekit in one process: ESM and CommonJS builds, the dataset checker, the sandbox', async () => {
    const program = `
      import { createRequire } from 'node:module';
      import { NotFoundError, APIError, TunekitError, RateLimitError, ValidationError } from 'tunekit';
      import { checkDataset, assertDataset } from 'tunekit/dataset';
      import { startSandbox } from 'tunekit/testing';
      const cjs = createRequire(import.meta.url)('tunekit');
      const headers = new Headers();
      const fromCjs = new cjs.NotFoundError({ provider: 'p', method: 'GET', path: '/x' }, 404, undefined, headers);
      const checked = await assertDataset(new Blob(['not json\\n']), { provider: 'openai' }).catch((e) => e);
      const sandbox = await startSandbox({ provider: 'nebius', clock: 'nope' }).catch((e) => e);
      console.log(JSON.stringify({
        copies: cjs.NotFoundError !== NotFoundError,
        notFound: fromCjs instanceof NotFoundError, api: fromCjs instanceof APIError, base: fromCjs instanceof TunekitError,
        notRateLimit: fromCjs instanceof RateLimitError, notError: !(new Error('x') instanceof TunekitError),
        dataset: checked instanceof TunekitError && checked.name === 'DatasetCheckError',
        sandbox: sandbox instanceof ValidationError,
        checker: typeof checkDataset,
      }));
    `;
    await writeFile(join(project, 'copies.mjs'), program);
    const { stdout } = await run(process.execPath, ['copies.mjs'], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(stdout)).toEqual({
      copies: true,
      notFound: true,
      api: true,
      base: true,
      notRateLimit: false,
      notError: true,
      dataset: true,
      sandbox: true,
      checker: 'function',
    });
  });

  it('passes @arethetypeswrong/cli (every entry point under node10, node16 CJS and ESM, bundler) and publint', async () => {
    const attw = await run(bin('attw'), [tarball, '--format', 'json'], { encoding: 'utf8' }).catch((error: { stdout: string }) => error);
    const report = JSON.parse(attw.stdout) as { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
    expect(report.analysis.problems).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual([
      '.',
      './azure',
      './dataset',
      './nebius',
      './openai',
      './package.json',
      './testing',
      './together',
    ]);
    const publint = await run(bin('publint'), [tarball, '--strict'], { encoding: 'utf8' });
    expect(publint.stdout).toContain('All good!');
  });
});

describe('in a browser: each entry point bundled for the browser lists and retrieves jobs from a Prism mock in headless Chromium', () => {
  const prism = inject('prism');
  const pages = {
    tunekit: `import { createNebiusClient, createTogetherClient, createOpenAIClient } from 'tunekit';
      const clients = { nebius: createNebiusClient, together: createTogetherClient, openai: createOpenAIClient };`,
    nebius: `import { createNebiusClient } from 'tunekit/nebius'; const clients = { nebius: createNebiusClient };`,
    together: `import { createTogetherClient } from 'tunekit/together'; const clients = { together: createTogetherClient };`,
    openai: `import { createOpenAIClient } from 'tunekit/openai'; const clients = { openai: createOpenAIClient };`,
  };
  const script = (head: string): string => `${head}
    const urls = ${JSON.stringify(prism)};
    const ids = { nebius: 'ftjob-abc123', together: 'ft-01234567890123456789', openai: 'ftjob-abc123' };
    window.result = (async () => {
      const out = {};
      for (const [name, create] of Object.entries(clients)) {
        const client = create({ apiKey: 'browser-key', baseUrl: urls[name], maxRetries: 0 });
        const page = await client.jobs.list();
        const job = await client.jobs.retrieve(ids[name]);
        const upload = await client.files.upload('./train.jsonl').then(() => 'sent', (e) => e.name + ': ' + e.message);
        out[name] = { listed: page.items.length, retrieved: typeof job.id, status: typeof job.status, upload };
      }
      return out;
    })().catch((e) => ({ error: String(e) }));`;
  let browser: Browser | undefined;
  let site: Server | undefined;
  let origin = '';
  const bundles: Record<string, string> = {};
  const imports: Record<string, string[]> = {};

  beforeAll(async () => {
    requireChromium();
    for (const [name, head] of Object.entries(pages)) {
      const entry = join(project, `page-${name}.js`);
      await writeFile(entry, script(head));
      // A `node:` import anywhere would stop this build ("The package "node:fs" wasn't found"), as it did before.
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        metafile: true,
        absWorkingDir: project,
        logLevel: 'silent',
      });
      bundles[name] = result.outputFiles[0]?.text ?? '';
      imports[name] = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((imported) => imported.path));
    }
    site = createServer((req, res) => {
      const name = (req.url ?? '').replace(/^\/|\.(html|js)$/g, '');
      if (req.url?.endsWith('.js') && bundles[name]) {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundles[name]);
      } else res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script type="module" src="/${name}.js"></script>`);
    });
    await new Promise<void>((done) => site?.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (site ? site.close(done) : done(undefined)));
  });

  it('bundles with no Node built-in left in any entry point', () => {
    for (const [name, code] of Object.entries(bundles)) {
      expect(code.length, name).toBeGreaterThan(1000);
      expect(
        imports[name]?.filter((path) => path.startsWith('node:')),
        name,
      ).toEqual([]);
      expect(
        imports[name]?.some((path) => path.includes('dist/browser/')),
        name,
      ).toBe(true);
    }
  });

  it.each(Object.keys(pages))('%s: list and retrieve work over CORS, and a file path is refused with a clear error', async (name) => {
    const page = await browser!.newPage();
    try {
      await page.goto(`${origin}/${name}.html`);
      await page.waitForFunction(() => 'result' in window, undefined, { timeout: 20_000 });
      const result = await page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result);
      const providers = name === 'tunekit' ? ['nebius', 'together', 'openai'] : [name];
      expect(Object.keys(result as object).sort()).toEqual([...providers].sort());
      for (const provider of providers) {
        const outcome = (result as Record<string, { upload: string }>)[provider];
        expect(outcome).toMatchObject({ listed: expect.any(Number), retrieved: 'string', status: 'string' });
        expect(outcome?.upload).toMatch(
          /^ValidationError: .*file = "\.\/train\.jsonl" is a path, and this runtime has no file system; pass a Blob or File$/,
        );
      }
    } finally {
      await page.close();
    }
  });
});

describe('the packed bins and tunekit/testing', () => {
  const npx = (args: string[], env: Record<string, string> = {}) =>
    run('npx', ['--no-install', ...args], { cwd: project, env: cleanEnv(env), encoding: 'utf8' }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  // The installed bin as npx finds it, then (npm's start is most of an npx call) as its node_modules/.bin link.
  const tunekit = (args: string[], env: Record<string, string> = {}) =>
    run(join(project, 'node_modules', '.bin', 'tunekit'), args, { cwd: project, env: cleanEnv(env), encoding: 'utf8' }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('tunekit answers --version and --help, checks a dataset, and talks to a sandbox', async () => {
    const version = await npx(['tunekit', '--version']);
    expect(version.stdout).toBe(`${JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).version}\n`);
    const help = await tunekit(['--help']);
    expect(help.stdout).toMatch(/^Usage: tunekit \[options\] \[command\]\n/);
    expect(help.stdout).toContain('Exit codes:\n  0    success\n');
    await writeFile(join(project, 'train.jsonl'), chatLines(12));
    const check = await tunekit(['--provider', 'openai', 'check', 'train.jsonl', '--model', 'gpt-4o-mini-2024-07-18']);
    expect(check.stdout).toMatch(/^train\.jsonl: OK for openai · chat format · 12 examples · 0 errors, 0 warnings\n/);
    expect(check.stdout).toContain('exact, o200k_base');
    await using sandbox = await startSandbox({ provider: 'nebius', clock: 'on-poll' });
    const uploaded = await tunekit(['--json', 'files', 'upload', 'train.jsonl'], {
      NEBIUS_API_KEY: 'packed-key',
      NEBIUS_BASE_URL: sandbox.url,
    });
    expect(JSON.parse(uploaded.stdout)).toMatchObject({ provider: 'nebius', filename: 'train.jsonl' });
  });

  it('tunekit/testing starts a sandbox from ESM and from CommonJS, and a client of the package walks a job on it', async () => {
    const esm = `
      import { startSandbox } from 'tunekit/testing';
      import { createOpenAIClient } from 'tunekit/openai';
      const sandbox = await startSandbox({ provider: 'openai' });
      try {
        const openai = createOpenAIClient({ apiKey: 'k', baseUrl: sandbox.url });
        const file = await openai.files.upload(new File([${JSON.stringify(chatLines(12))}], 'train.jsonl'));
        const job = await openai.jobs.wait((await openai.jobs.create({ model: 'gpt-4o-mini', training_file: file.id })).id, { clock: sandbox.clock });
        console.log(JSON.stringify({ status: job.status, model: job.fine_tuned_model }));
      } finally {
        await sandbox.close();
      }
    `;
    const cjs = `
      const { startSandbox } = require('tunekit/testing');
      startSandbox({ provider: 'together', listen: false }).then(async (sandbox) => {
        const answer = await sandbox.fetch(sandbox.url + '/fine-tunes', { headers: { authorization: 'Bearer k' } });
        console.log(JSON.stringify({ url: sandbox.url, status: answer.status }));
        await sandbox.close();
      });
    `;
    await writeFile(join(project, 'sandbox.mjs'), esm);
    await writeFile(join(project, 'sandbox.cjs'), cjs);
    const fromEsm = await run(process.execPath, ['sandbox.mjs'], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(fromEsm.stdout)).toMatchObject({ status: 'succeeded', model: expect.stringMatching(/^ft:gpt-4o-mini:/) });
    const fromCjs = await run(process.execPath, ['sandbox.cjs'], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(fromCjs.stdout)).toEqual({ url: expect.stringMatching(/\/v1$/), status: 200 });
  });

  it('npx tunekit-sandbox prints its URL first, serves the API, and stops cleanly on SIGTERM', async () => {
    // The installed bin itself (npx would stand between the signal and it).
    const bin = join(project, 'node_modules', '.bin', 'tunekit-sandbox');
    const child = spawn(bin, ['--provider', 'openai', '--port', '0'], {
      cwd: project,
      env: cleanEnv({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
      });
      child.once('exit', (code) => reject(new Error(`tunekit-sandbox exited (${code}) before printing its URL`)));
    });
    expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const health = await fetch(new URL('/_sandbox/health', firstLine));
    expect(health.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('no library entry point loads commander, log-update, asciichart or any CLI module', async () => {
    const installed = join(project, 'node_modules', 'tunekit');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
      exports: Record<string, { import?: { default: string } }>;
    };
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = await readFile(file, 'utf8');
      for (const [, from, bare] of code.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gm)) {
        const spec = from ?? bare;
        if (spec) await visit(resolve(dirname(file), spec));
      }
    };
    for (const entry of Object.values(manifest.exports)) if (entry.import) await visit(join(installed, entry.import.default));
    expect(seen.size).toBeGreaterThan(5);
    for (const file of seen) {
      const code = await readFile(file, 'utf8');
      expect(code, file).not.toMatch(/node_modules\/(commander|log-update|asciichart|picocolors|string-width)\/|src\/cli\//);
    }
  });
});

describe('package.json', () => {
  it('declares a browser, an import and a require condition for every library entry point (Node-only ones: import and require)', async () => {
    const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json') continue;
      const nodeOnly = subpath === './testing';
      expect(Object.keys(target as object), subpath).toEqual(nodeOnly ? ['import', 'require'] : ['browser', 'import', 'require']);
    }
  });
});
