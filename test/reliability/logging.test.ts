import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNebiusClient, TunekitError, type Logger, type LogLevel } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { seed } from './clients.js';

let server: Sandbox | undefined;
/** The job the calls retrieve (made before them). */
let job = '';
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
});

function recorder() {
  const lines: { level: keyof Logger; line: string }[] = [];
  const logger: Logger = {
    error: (line) => lines.push({ level: 'error', line }),
    warn: (line) => lines.push({ level: 'warn', line }),
    info: (line) => lines.push({ level: 'info', line }),
    debug: (line) => lines.push({ level: 'debug', line }),
  };
  return { lines, logger };
}

/** One retrieve that meets a 503, then succeeds; one that fails for good (404). */
async function twoCalls(options: { logLevel?: LogLevel; logger?: Logger }) {
  server = await startSandbox({ provider: 'nebius' });
  [job = ''] = (await seed(server, 'sk-logging-0000', 1)).jobs;
  server.use({ route: 'GET /v1/fine_tuning/jobs/{job_id}', fault: 503, times: 1 });
  const nebius = createNebiusClient({ apiKey: 'sk-logging-0000', baseUrl: server.url, retry: { baseDelayMs: 5 }, ...options });
  await nebius.jobs.retrieve(job);
  await expect(nebius.jobs.retrieve('ftjob-404')).rejects.toThrow(TunekitError);
}

describe('logging levels', () => {
  it('off by default: not a line, even on retries and failures', async () => {
    const { lines, logger } = recorder();
    await twoCalls({ logger });
    expect(lines).toEqual([]);
  });

  it('error: one line per failed call', async () => {
    const { lines, logger } = recorder();
    await twoCalls({ logLevel: 'error', logger });
    expect(lines).toEqual([
      { level: 'error', line: expect.stringMatching(/^\[tunekit\] nebius GET \/v1\/fine_tuning\/jobs\/ftjob-404 failed with 404/) },
    ]);
  });

  it('warn: retries too, with status, attempt and wait', async () => {
    const { lines, logger } = recorder();
    await twoCalls({ logLevel: 'warn', logger });
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
    expect(lines[0]?.line).toMatch(new RegExp(`^\\[tunekit\\] nebius GET /v1/fine_tuning/jobs/${job} → 503; retry 1 of 2 in \\d+ ms$`));
  });

  it('debug: every request with method, path, status, time and attempt', async () => {
    const { lines, logger } = recorder();
    await twoCalls({ logLevel: 'debug', logger });
    const debug = lines.filter((l) => l.level === 'debug').map((l) => l.line);
    expect(debug).toEqual([
      expect.stringMatching(new RegExp(`^\\[tunekit\\] nebius GET /v1/fine_tuning/jobs/${job} → 503 in \\d+ ms \\(attempt 1\\)$`)),
      expect.stringMatching(new RegExp(`^\\[tunekit\\] nebius GET /v1/fine_tuning/jobs/${job} → 200 in \\d+ ms \\(attempt 2\\)$`)),
      expect.stringMatching(/^\[tunekit\] nebius GET \/v1\/fine_tuning\/jobs\/ftjob-404 → 404 in \d+ ms \(attempt 1\)$/),
    ]);
  });

  it('TUNEKIT_LOG sets the level; the option wins over it', async () => {
    vi.stubEnv('TUNEKIT_LOG', 'debug');
    const fromEnv = recorder();
    await twoCalls({ logger: fromEnv.logger });
    expect(fromEnv.lines.some((l) => l.level === 'debug')).toBe(true);
    await server?.close();
    const fromOption = recorder();
    await twoCalls({ logLevel: 'error', logger: fromOption.logger });
    expect(fromOption.lines.map((l) => l.level)).toEqual(['error']);
  });

  it('an unknown level is refused when the client is built, naming the value and the choices', () => {
    vi.stubEnv('TUNEKIT_LOG', 'loud');
    expect(() => createNebiusClient({ apiKey: 'k' })).toThrow(
      'logLevel (or TUNEKIT_LOG) "loud" is not one of off, error, warn, info, debug',
    );
  });

  it('the default logger is console', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await twoCalls({ logLevel: 'warn' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('→ 503; retry 1 of 2'));
    expect(error).toHaveBeenCalledTimes(1);
  });
});
