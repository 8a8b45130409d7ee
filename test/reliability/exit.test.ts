import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startFaultServer } from '../support/fault-server.js';

it('a process whose calls timed out (GC forced meanwhile) exits by itself, promptly, leaving no socket open', async () => {
  const server = await startFaultServer('nebius');
  try {
    const script = fileURLToPath(new URL('./fixtures/exit-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, server.baseUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let printedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      printedAt ||= Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', (exitCode) => {
        clearTimeout(kill);
        resolve(exitCode);
      });
    });
    const lingered = Date.now() - printedAt;
    expect(err.replace(/npm warn.*\n/g, '')).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([
      'never-answer:APITimeoutError:true', 'never-answer:APITimeoutError:true',
      'trickle-body:APITimeoutError:true', 'trickle-body:APITimeoutError:true',
      'slow-headers:APITimeoutError:true', 'slow-headers:APITimeoutError:true',
      // The create's job exists (headers came): tunekit finds it by its key instead of failing.
      'reset-mid-body:APIConnectionError:true', 'reset-mid-body:ok:true',
    ]);
    expect(lingered, 'ms between the last output and exit').toBeLessThan(2_000);
    // Its sockets all closed when it went.
    const until = Date.now() + 3_000;
    while (server.openSockets() > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.openSockets()).toBe(0);
  } finally {
    await server.close();
  }
}, 40_000);
