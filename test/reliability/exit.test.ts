import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startSandbox, type Fault } from '../../src/testing.js';
import { seed } from './clients.js';

const faults: [string, Fault][] = [
  ['never-answer', 'never-answer'],
  ['trickle-body', { trickleMs: 100 }],
  ['slow-headers', { slowHeadersMs: 3_000 }],
  ['reset-mid-body', 'reset-mid-body'],
];

it('a process whose calls timed out (GC forced meanwhile) exits by itself, promptly, leaving no socket open', async () => {
  // Real time (the child has its own clock): the sandbox's waits pass at real speed.
  const server = await startSandbox({ provider: 'nebius', clock: { speed: 1 } });
  try {
    const plan = [];
    for (const [name] of faults) {
      const apiKey = `sk-child-${name}-0000`;
      const [jobId = ''] = (await seed(server, apiKey, 1)).jobs;
      plan.push({ fault: name, apiKey, jobId });
    }
    for (const [name, fault] of faults) {
      // Only this key's calls; the clean call at the end uses the first key, whose fault is spent by then.
      server.use({
        apiKey: `sk-child-${name}-0000`,
        route: ['GET /v1/fine_tuning/jobs/{job_id}', 'POST /v1/fine_tuning/jobs'],
        fault,
        ...(name === 'never-answer' ? { times: 2 } : {}),
      });
    }
    const script = fileURLToPath(new URL('./fixtures/exit-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, server.url, JSON.stringify(plan)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let printedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      printedAt ||= Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', (exitCode) => {
        clearTimeout(kill);
        resolve(exitCode);
      });
    });
    const lingered = Date.now() - printedAt;
    expect(err.replace(/npm warn.*\n/g, '')).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([
      'never-answer:APITimeoutError:true',
      'never-answer:APITimeoutError:true',
      'trickle-body:APITimeoutError:true',
      'trickle-body:APITimeoutError:true',
      'slow-headers:APITimeoutError:true',
      'slow-headers:APITimeoutError:true',
      // The create's job exists (headers came): tunekit finds it by its key instead of failing.
      'reset-mid-body:APIConnectionError:true',
      'reset-mid-body:ok:true',
    ]);
    // Prompt: a process kept alive by a socket or a timer lingers seconds (keep-alive) to a minute (a deadline).
    expect(lingered, 'ms between the last output and exit').toBeLessThan(3_000);
    // Its sockets all closed when it went (a wide margin: it returns as soon as they have).
    const until = Date.now() + 10_000;
    while (server.connections().open > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.connections().open).toBe(0);
  } finally {
    await server.close();
  }
}, 60_000);
