import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { requireChromium } from '../support/requirements.js';
import { ARTIFACTS, builtCli, datasets, json, lines, MODEL, tunekit } from './support.js';

/** `jobs metrics ID`: the loss curves in the terminal, and `--html` as one self-contained page, checked in Chromium. */

let bin = '';
let data: Awaited<ReturnType<typeof datasets>>;
let sandbox: Sandbox;
let browser: Browser | undefined;
const env = (): Record<string, string> => ({ OPENAI_API_KEY: 'a-key-for-the-report', OPENAI_BASE_URL: sandbox.url });

beforeAll(async () => {
  requireChromium();
  bin = builtCli();
  data = await datasets();
  await mkdir(ARTIFACTS, { recursive: true });
  sandbox = await startSandbox({ provider: 'openai', clock: 'on-poll' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  await rm(data.dir, { recursive: true, force: true });
});

describe('jobs metrics', () => {
  it('draws the curves in the terminal and writes a page that shows them with no script and no network', async () => {
    const trained = await tunekit(
      bin,
      ['--json', 'train', data.train, '--model', MODEL.openai, '--validation', data.validation, '--epochs', '3', '--poll-interval', '5ms'],
      env(),
    );
    expect(trained.code).toBe(0);
    const jobId = (lines(trained.stdout).at(-1) as { job: { id: string } }).job.id;
    const metrics = json(await tunekit(bin, ['--json', 'jobs', 'metrics', jobId], env())) as {
      points: { step: number; trainingLoss?: number; validationLoss?: number }[];
      checkpoints: { id: string }[];
    };
    const training = metrics.points.filter((p) => p.trainingLoss !== undefined);
    const validation = metrics.points.filter((p) => p.validationLoss !== undefined);
    expect(training.length).toBeGreaterThan(10);
    expect(validation.length).toBeGreaterThan(1);

    const page = join(ARTIFACTS, 'metrics-report.html');
    const human = await tunekit(bin, ['jobs', 'metrics', jobId, '--html', page], env());
    expect(human.code).toBe(0);
    expect(human.stderr).toBe(`✓ wrote ${page}\n`);
    expect(human.stdout).toMatch(new RegExp(`^loss of ${jobId} \\(succeeded, openai\\)\\n`));
    expect(human.stdout.split('\n').filter((l) => /[┤┼]/.test(l))).toHaveLength(13);
    expect(human.stdout).toMatch(
      new RegExp(`\\ntraining\\s+\\d\\.\\d+ → \\d\\.\\d+ \\(lowest \\d\\.\\d+ at step \\d+\\) over ${training.length} points\\n`),
    );
    expect(human.stdout).toMatch(new RegExp(`validation\\s+\\d\\.\\d+ → \\d\\.\\d+ \\(lowest .*\\) over ${validation.length} points\\n$`));

    const html = await readFile(page, 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)|<link|@import|url\(/i);

    const context = await browser!.newContext({ javaScriptEnabled: false, viewport: { width: 980, height: 900 } });
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(page).href);
    expect(requested).toEqual([pathToFileURL(page).href]);
    expect(await tab.title()).toBe(`${jobId} · loss · tunekit`);

    const curve = tab.locator('polyline.training');
    expect(await curve.getAttribute('data-points')).toBe(String(training.length));
    const coordinates = (await curve.getAttribute('points'))?.split(' ').map((pair) => pair.split(',').map(Number)) ?? [];
    expect(coordinates).toHaveLength(training.length);
    const xs = coordinates.map(([x]) => x ?? 0);
    expect(xs).toEqual([...xs].sort((a, b) => a - b)); // by step, left to right
    const ys = coordinates.map(([, y]) => y ?? 0);
    // SVG y grows downwards: a falling loss ends lower on the page than it starts, each point where its value says.
    expect(ys.at(-1)).toBeGreaterThan((ys[0] ?? 0) + 100);
    const [lo, hi] = [Math.min(...training.map((p) => p.trainingLoss ?? 0)), Math.max(...training.map((p) => p.trainingLoss ?? 0))];
    const yOf = (loss: number): number =>
      (ys[0] ?? 0) + ((hi - loss) / (hi - lo)) * ((ys[training.findIndex((p) => p.trainingLoss === lo)] ?? 0) - (ys[0] ?? 0));
    training.forEach((p, i) => expect(ys[i]).toBeCloseTo(yOf(p.trainingLoss ?? 0), 0));
    const box = await curve.boundingBox();
    expect(box?.width).toBeGreaterThan(700);
    expect(box?.height).toBeGreaterThan(200);
    expect(await curve.evaluate((el) => getComputedStyle(el).stroke)).toBe('rgb(37, 99, 235)');
    expect(await tab.locator('polyline.validation').getAttribute('data-points')).toBe(String(validation.length));
    expect(await tab.locator('circle.validation-dot').count()).toBe(validation.length);
    expect(await tab.locator('table.checkpoints tbody tr').count()).toBe(metrics.checkpoints.length);
    await expect(tab.locator('table.facts').innerText()).resolves.toMatch(
      new RegExp(`job\\s+${jobId}[\\s\\S]*status\\s+succeeded[\\s\\S]*fine-tuned model\\s+ft:gpt-4o-mini`),
    );
    await tab.screenshot({ path: join(ARTIFACTS, 'metrics-report.png'), fullPage: true });
    await context.close();
  });

  it('a job with no loss yet says so (in the terminal and on the page)', async () => {
    const file = json(await tunekit(bin, ['--json', 'files', 'upload', data.train], env())) as { id: string };
    const job = json(await tunekit(bin, ['--json', 'jobs', 'create', '--model', MODEL.openai, '--training-file', file.id], env())) as {
      id: string;
    };
    const page = join(data.dir, 'empty.html');
    const run = await tunekit(bin, ['jobs', 'metrics', job.id, '--html', page], env());
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toMatch(new RegExp(`^job ${job.id} \\(\\w+\\) has no loss recorded yet\\n✓ wrote ${page}\\n$`));
    expect(await readFile(page, 'utf8')).toContain('<p class="empty">No loss has been recorded for this job yet.</p>');
  });
});
