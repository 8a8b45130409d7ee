import { afterEach, describe, expect, it } from 'vitest';
import { createNebiusClient, PaginationError } from '../../src/index.js';
import { json, startLocalServer, type Handler, type LocalServer } from '../support/local-server.js';

const event = (id: string) => ({ id, object: 'fine_tuning.job.event', created_at: 1, level: 'info', message: id });
let server: LocalServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: Handler) {
  server = await startLocalServer(handler);
  return createNebiusClient({ apiKey: 'k', baseUrl: server.url, maxRetries: 0 });
}

describe('pagination', () => {
  it('for await fetches page after page, passing the last id as `after`, until has_more is false', async () => {
    const pages: Record<string, { data: ReturnType<typeof event>[]; has_more: boolean }> = {
      '': { data: [event('e1'), event('e2')], has_more: true },
      e2: { data: [event('e3'), event('e4')], has_more: true },
      e4: { data: [event('e5')], has_more: false },
    };
    const nebius = await clientFor((req, res) => json(res, 200, pages[new URL(req.url, 'http://x').searchParams.get('after') ?? '']));
    const ids: string[] = [];
    for await (const item of nebius.jobs.events('ftjob-1', { limit: 2 })) ids.push(item.id);
    expect(ids).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(server?.requests.map((r) => r.url)).toEqual([
      '/v1/fine_tuning/jobs/ftjob-1/events?limit=2',
      '/v1/fine_tuning/jobs/ftjob-1/events?limit=2&after=e2',
      '/v1/fine_tuning/jobs/ftjob-1/events?limit=2&after=e4',
    ]);
  });

  it('await gives the first page only', async () => {
    const nebius = await clientFor((_req, res) => json(res, 200, { data: [event('e1')], has_more: true }));
    const page = await nebius.jobs.events('ftjob-1');
    expect(page).toMatchObject({ hasMore: true, nextCursor: 'e1', items: [{ id: 'e1' }] });
    expect(server?.requests).toHaveLength(1);
  });

  it('a repeated cursor ends the iteration with a PaginationError instead of looping', async () => {
    const nebius = await clientFor((_req, res) => json(res, 200, { data: [event('same')], has_more: true }));
    const ids: string[] = [];
    const iterate = async () => {
      for await (const item of nebius.jobs.events('ftjob-1')) ids.push(item.id);
    };
    await expect(iterate()).rejects.toThrow(PaginationError);
    await expect(iterate()).rejects.toThrow(/cursor "same" twice/);
    expect(server?.requests.length).toBe(4);
  });

  it('has_more with an empty page ends with a PaginationError', async () => {
    const nebius = await clientFor((_req, res) => json(res, 200, { data: [], has_more: true }));
    const items: unknown[] = [];
    await expect(async () => {
      for await (const item of nebius.jobs.events('ftjob-1')) items.push(item);
    }).rejects.toThrow(/has_more but the page gave no way forward/);
    expect(items).toEqual([]);
    expect(server?.requests).toHaveLength(1);
  });

  it('breaking out of the loop stops fetching', async () => {
    let n = 0;
    const nebius = await clientFor((_req, res) => json(res, 200, { data: [event(`e${++n}`), event(`e${++n}`)], has_more: true }));
    for await (const item of nebius.jobs.events('ftjob-1')) {
      if (item.id === 'e3') break;
    }
    expect(server?.requests).toHaveLength(2);
  });
});
