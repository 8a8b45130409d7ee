import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AnsiUp } from 'ansi_up';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { requireChromium } from '../support/requirements.js';
import { ARTIFACTS, builtCli, datasets, ensureTmux, inTmux, MODEL, tmuxOn, tunekit } from './support.js';

/**
 * The human mode: in a real pseudo-terminal (tmux) the live view of `train` (status, step bar, ETA, elapsed, a loss
 * chart that grows) redrawn in place, and its final state; not on a terminal, or with NO_COLOR, plain lines with no
 * escape code. A picture of the live view is saved for people (.tmp/artifacts/live-view-*.png).
 */

const socket = `tunekit-cli-test-${process.pid}`;
const tmux = tmuxOn(socket);

let bin = '';
let data: Awaited<ReturnType<typeof datasets>>;
let sandbox: Sandbox;
/** For the runs whose frames in between are not looked at. */
let fast: Sandbox;
beforeAll(async () => {
  const problem = ensureTmux();
  if (problem) throw new Error(problem);
  bin = builtCli();
  data = await datasets();
  // Simulated time moves on each poll, to the job's next change: the live view redraws once per poll, however slow
  // the machine, and each frame stays on screen a whole poll interval for the captures to see.
  sandbox = await startSandbox({ provider: 'openai', clock: 'on-poll' });
  fast = await startSandbox({ provider: 'openai', clock: { speed: 3000 } });
  await mkdir(ARTIFACTS, { recursive: true });
}, 600_000);
afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  await Promise.all([sandbox?.close(), fast?.close()]);
  await rm(data.dir, { recursive: true, force: true });
});

/** Runs the bin in a fresh tmux window of `columns`×`rows`; returns every distinct screen until it printed EXIT=n. */
async function inTerminal(
  name: string,
  env: Record<string, string>,
  args: string[],
  size = { columns: 100, rows: 42 },
): Promise<{ frames: string[]; colored: string[]; exit: number }> {
  const frames: string[] = [];
  const colored: string[] = [];
  const { exit } = await inTmux(tmux, { name, bin, home: data.dir, env, args, size }, (screen) => {
    frames.push(screen);
    colored.push(tmux('capture-pane', '-p', '-e', '-t', name));
  });
  return { frames, colored, exit };
}

/** A terminal screen (tmux capture with escapes) as a picture, through headless Chromium. */
async function screenshot(ansi: string, path: string): Promise<void> {
  const html = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#0d1117"><pre style="margin:0;padding:16px 20px;color:#e6edf3;font:14px/1.25 'DejaVu Sans Mono',monospace">${new AnsiUp().ansi_to_html(ansi)}</pre></body>`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 960, height: 10 } });
    await page.setContent(html);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}

describe('on a terminal', () => {
  it('train shows one live view: status, a step bar, elapsed and ETA, a loss chart that grows; then its final state', async () => {
    requireChromium();
    const { frames, colored, exit } = await inTerminal(
      'train',
      { OPENAI_API_KEY: 'a-key-for-the-live-view', OPENAI_BASE_URL: sandbox.url },
      // Each poll moves the on-poll clock to the job's next change: a frame lasts one poll interval, long enough for a
      // capture every 40 ms to see it on a loaded machine (at 500 ms, a fresh-clone run beside Prism's random-answers
      // test once saw no frame of the job's first steps).
      ['train', data.train, '--model', MODEL.openai, '--validation', data.validation, '--epochs', '3', '--poll-interval', '1s'],
    );
    await writeFile(join(ARTIFACTS, 'live-view-frames.txt'), frames.join('\n-----\n'));
    expect(exit).toBe(0);
    // Whole frames (a capture can land while the terminal is still drawing one): the last line is drawn.
    const running = frames.filter(
      (f) => /status {2}running/.test(f) && / step \d+\/\d+/.test(f) && f.includes('Ctrl-C stops watching; the job keeps running.'),
    );
    // Two frames at least: the chart below must be seen to grow from one to a later one.
    expect(running.length).toBeGreaterThanOrEqual(2);
    for (const frame of running) {
      expect(frame).toMatch(/elapsed \d+:\d\d:\d\d/);
      expect(frame).toMatch(/steps {3}[█░]{30} +\d+% {2}step \d+\/\d+/);
      // Redrawn in place: one status line on the screen, never a scroll of them.
      expect(frame.match(/^status /gm)).toHaveLength(1);
    }
    const charted = running.filter((f) => f.includes('┤'));
    expect(charted.length).toBeGreaterThan(1);
    const width = (frame: string): number =>
      Math.max(
        ...frame
          .split('\n')
          .filter((l) => /[┤┼]/.test(l))
          .map((l) => l.trimEnd().length),
      );
    expect(width(charted.at(-1) ?? '')).toBeGreaterThan(width(charted[0] ?? ''));
    expect(running.some((f) => /ETA \d/.test(f))).toBe(true);

    const last = frames.at(-1) ?? '';
    expect(last).toMatch(/^✓ checked the training file: OK · chat format · 40 examples/m);
    expect(last).toMatch(/^✓ created job ftjob-\w+$/m);
    expect(last).toMatch(/status {2}succeeded {3}elapsed \d+:\d\d:\d\d/);
    expect(last).toMatch(/steps {3}█{30} 100% {2}step (\d+)\/\1/);
    expect(last).toMatch(/loss {4}training \d\.\d+ {3}validation \d\.\d+/);
    expect(last).not.toContain('Ctrl-C');
    expect(last).toMatch(/^fine-tuned model\s+ft:gpt-4o-mini-2024-07-18:sandbox::\w+$/m);
    expect(last.match(/^status /gm)).toHaveLength(2); // the live view's, and the result's

    const midway = colored[frames.indexOf(charted[Math.floor(charted.length / 2)] ?? '')] ?? '';
    expect(midway).toContain('\x1b['); // colours on a terminal
    await screenshot(midway, join(ARTIFACTS, 'live-view-running.png'));
    await screenshot(colored.at(-1) ?? '', join(ARTIFACTS, 'live-view-final.png'));
    await writeFile(join(ARTIFACTS, 'live-view-final.txt'), last);

    // A list on a terminal: a header, aligned columns.
    const table = await inTerminal('list', { OPENAI_API_KEY: 'a-key-for-the-live-view', OPENAI_BASE_URL: sandbox.url }, ['jobs', 'list'], {
      columns: 160,
      rows: 6,
    });
    const [header = '', row = '', ended] = (table.frames.at(-1) ?? '').split('\n');
    expect(header).toMatch(/^ID +STATUS +MODEL +CREATED +FINE-TUNED MODEL$/);
    expect(row).toMatch(
      /^ftjob-\w+ +succeeded +gpt-4o-mini-2024-07-18 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d +ft:gpt-4o-mini-2024-07-18:sandbox::\w+$/,
    );
    const columns: [string, number][] = [
      ['STATUS', row.indexOf('succeeded')],
      ['MODEL', row.indexOf('gpt-4o')],
      ['CREATED', row.search(/\d{4}-\d\d-\d\d \d/)],
      ['FINE-TUNED MODEL', row.indexOf('ft:')],
    ];
    for (const [title, at] of columns) expect(at, title).toBe(header.indexOf(title));
    expect(ended).toBe('EXIT=0');
  }, 240_000);

  it('with NO_COLOR: plain lines, no escape code, even on a terminal', async () => {
    const { frames, colored, exit } = await inTerminal(
      'nocolor',
      { OPENAI_API_KEY: 'a-key-for-no-color', OPENAI_BASE_URL: fast.url, NO_COLOR: '1' },
      ['train', data.train, '--model', MODEL.openai, '--poll-interval', '100ms'],
    );
    expect(exit).toBe(0);
    expect(colored.at(-1)).not.toContain('\x1b[');
    expect(frames.at(-1)).toMatch(/^\[\d:\d\d:\d\d\] status succeeded \(succeeded\)|^\[\d:\d\d:\d\d\] status succeeded · step/m);
  }, 120_000);
});

describe('not on a terminal', () => {
  it('train writes plain lines on stderr and the result on stdout, with no escape code', async () => {
    const run = await tunekit(bin, ['train', data.train, '--model', MODEL.openai, '--poll-interval', '100ms'], {
      OPENAI_API_KEY: 'a-key-for-pipes',
      OPENAI_BASE_URL: fast.url,
    });
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain('\x1b');
    const stderr = run.stderr.split('\n').filter(Boolean);
    expect(stderr[0]).toMatch(
      /^\[\d:\d\d:\d\d\] checked the training file: OK · chat format · 40 examples · [\d,]+ tokens · 0 errors, 0 warnings$/,
    );
    expect(stderr.every((line) => /^\[\d:\d\d:\d\d\] /.test(line))).toBe(true);
    expect(stderr).toContainEqual(expect.stringMatching(/^\[\d:\d\d:\d\d\] created job ftjob-\w+ \(validating_files\)$/));
    expect(stderr).toContainEqual(expect.stringMatching(/^\[\d:\d\d:\d\d\] status running · step \d+\/\d+ \(\d+%\) · loss \d/));
    expect(stderr.at(-1)).toMatch(/^\[\d:\d\d:\d\d\] status succeeded · step (\d+)\/\1 \(100%\) · loss \d/);
    expect(run.stdout).toMatch(/^id\s+ftjob-\w+\nprovider\s+openai\nstatus\s+succeeded\n/);
    const table = await tunekit(bin, ['jobs', 'list'], { OPENAI_API_KEY: 'a-key-for-pipes', OPENAI_BASE_URL: fast.url });
    expect(table.stdout).toMatch(
      /^ftjob-\w+\tsucceeded\tgpt-4o-mini-2024-07-18\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d\tft:gpt-4o-mini/,
    );
  });
});
