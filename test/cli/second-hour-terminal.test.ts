import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { cliFixture, ensureTmux, MODEL } from './support.js';

/**
 * The live view in a real terminal (tmux), as a new user met it in the second hour (issue 15): the first ETA against
 * a server whose clock is not ours (item 1), and narrow and wide terminals (item 9).
 */

const fixture = cliFixture();
const socket = `tunekit-second-hour-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

let skewed: Sandbox;
beforeAll(async () => {
  const problem = ensureTmux();
  if (problem) throw new Error(problem);
  // A server whose clock is five hours ahead of ours, running 600× faster (a sandbox; any server's clock may be off).
  skewed = await startSandbox({ provider: 'openai', clock: { speed: 600 }, startTime: Date.now() + 5 * 3_600_000 });
}, 600_000);
afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  await skewed?.close();
});

/** Runs the bin in a fresh tmux window of `columns`×`rows`; every distinct screen until it printed EXIT=n. */
async function inTerminal(
  name: string,
  env: Record<string, string>,
  args: string[],
  size: { columns: number; rows: number },
): Promise<{ frames: string[]; exit: number; history: string }> {
  const assignments = Object.entries({
    PATH: process.env['PATH'] ?? '',
    HOME: fixture.data.dir,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    ...env,
  }).map(([k, v]) => `${k}='${v}'`);
  const command = `env -i ${assignments.join(' ')} ${process.execPath} ${fixture.bin} ${args.map((a) => `'${a}'`).join(' ')}; echo EXIT=$?; sleep 60`;
  tmux('new-session', '-d', '-s', name, '-x', String(size.columns), '-y', String(size.rows), command);
  const frames: string[] = [];
  const deadline = Date.now() + 25_000;
  for (;;) {
    // -J joins a line that wrapped: it shows as one line longer than the window.
    const screen = tmux('capture-pane', '-p', '-J', '-t', name);
    if (screen !== frames.at(-1)) frames.push(screen);
    const exit = /EXIT=(\d+)/.exec(screen);
    if (exit) {
      // The scrollback too: frames that scrolled away instead of being redrawn in place pile up there.
      const history = tmux('capture-pane', '-p', '-J', '-S', '-1000', '-t', name);
      tmux('kill-session', '-t', name);
      return { frames, exit: Number(exit[1]), history };
    }
    if (Date.now() > deadline) throw new Error(`no EXIT after 25 s; last screen:\n${screen}`);
    await sleep(40);
  }
}

let keys = 0;
const train = (columns: number, rows = 40) =>
  inTerminal(
    `w${columns}-${++keys}`,
    { OPENAI_API_KEY: `second-hour-terminal-${keys}`, OPENAI_BASE_URL: skewed.url },
    ['train', fixture.data.train, '--model', MODEL.openai, '--epochs', '3', '--poll-interval', '100ms'],
    { columns, rows },
  );

describe('the live view on a terminal', () => {
  it("never shows an ETA taken from our clock against the server's (item 1)", async () => {
    const { frames, exit } = await train(100);
    expect(exit).toBe(0);
    const etas = frames.flatMap((frame) => [...frame.matchAll(/ETA ([^\n]+)/g)].map((m) => m[1] ?? ''));
    expect(etas.length).toBeGreaterThan(0);
    // A five-second job: no ETA in hours (from the server's estimated_finish minus our time, it was "5 h …").
    for (const eta of etas) expect(eta).not.toMatch(/\d+ h/);
  });

  it.each([60, 200])(
    'fits a %i-column terminal: no line wraps, one frame redrawn in place, the chart and its axis inside (item 9)',
    async (columns) => {
      const { frames, exit, history } = await train(columns);
      expect(exit).toBe(0);
      const running = frames.filter((f) => /status {2}running/.test(f) && f.includes('Ctrl-C stops watching'));
      expect(running.length).toBeGreaterThan(1);
      for (const frame of frames.filter((f) => f.includes('tunekit train ·'))) {
        // The live view (from its header down to the hint): no line wider than the window. The lines above it are
        // printed once, and may wrap.
        const view = frame.slice(frame.indexOf('tunekit train ·')).split(/Ctrl-C stops watching|\nid +ftjob-/)[0] ?? '';
        for (const line of view.split('\n')) expect(line.length, line).toBeLessThan(columns);
      }
      expect(running.some((f) => f.includes('┤') && /^ +\d+ +\d+ step$/m.test(f))).toBe(true);
      // One header for the live view in the whole scrollback: earlier frames did not pile up above it.
      expect(history.match(/^tunekit train · OpenAI/gm)).toHaveLength(1);
      expect(history.match(/^status {2}\S/gm)).toHaveLength(1);
    },
  );
});
