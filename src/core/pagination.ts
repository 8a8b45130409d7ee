import { PaginationError } from './errors.js';

/** One page of a list. */
export interface Page<Item, Body = unknown> {
  items: Item[];
  hasMore: boolean;
  /** Pass as the cursor to get the next page; `undefined` on the last page. */
  nextCursor: string | undefined;
  /** The page's response body as the API sent it. */
  body: Body;
}

/** A provider's "next page" rule: where a page's items are, and the cursor that follows it. */
export interface CursorRule<Body, Item> {
  items(body: Body): Item[];
  hasMore(body: Body): boolean;
  /** The cursor that asks for the page after this one. */
  next(body: Body, items: Item[]): string | undefined;
}

/** OpenAI-style lists: `data`, `has_more`, and the next page starts `after` the last item's id. */
export function afterLastId<Item extends { id: string }>(): CursorRule<{ data: Item[]; has_more?: boolean | null }, Item> {
  return {
    items: (body) => body.data,
    hasMore: (body) => body.has_more === true,
    next: (_body, items) => items[items.length - 1]?.id,
  };
}

/** Lists the API returns whole, in one answer, with no cursor. */
export function wholeList<Body, Item>(items: (body: Body) => Item[]): CursorRule<Body, Item> {
  return { items, hasMore: () => false, next: () => undefined };
}

/**
 * What `list()` returns: `await` it for the first page, or `for await` it for every item,
 * fetched page by page.
 * @example
 * const { items, hasMore, nextCursor } = await nebius.jobs.list({ limit: 20 });
 * for await (const job of nebius.jobs.list()) console.log(job.id);
 */
export class PageList<Item, Body = unknown> implements PromiseLike<Page<Item, Body>>, AsyncIterable<Item> {
  private first: Promise<Page<Item, Body>> | undefined;

  constructor(
    private readonly fetchPage: (cursor: string | undefined) => Promise<Page<Item, Body>>,
    private readonly describe: () => string,
  ) {}

  then<A = Page<Item, Body>, B = never>(
    onFulfilled?: ((page: Page<Item, Body>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.firstPage().then(onFulfilled, onRejected);
  }

  private firstPage(): Promise<Page<Item, Body>> {
    this.first ??= this.fetchPage(undefined);
    return this.first;
  }

  /**
   * Every page in turn, stopping with a `PaginationError` if the API repeats a cursor or makes no progress.
   * @example
   * for await (const page of nebius.jobs.list({ limit: 50 }).pages()) console.log(page.items.length, page.nextCursor);
   */
  async *pages(): AsyncGenerator<Page<Item, Body>> {
    const seen = new Set<string>();
    let page = await this.firstPage();
    for (;;) {
      yield page;
      if (!page.hasMore) return;
      const cursor = page.nextCursor;
      if (page.items.length === 0 || cursor === undefined) {
        throw new PaginationError(`${this.describe()}: the API said has_more but the page gave no way forward; stopped`);
      }
      if (seen.has(cursor)) {
        throw new PaginationError(`${this.describe()}: the API returned cursor "${cursor}" twice; stopped to avoid an endless loop`);
      }
      seen.add(cursor);
      page = await this.fetchPage(cursor);
    }
  }

  /**
   * The same list with each item passed through `project` (page by page, as they are fetched).
   * @example
   * const ids = nebius.jobs.list().map((job) => job.id);
   * for await (const id of ids) console.log(id);
   */
  map<Mapped>(project: (item: Item) => Mapped): PageList<Mapped, Body> {
    return new PageList<Mapped, Body>(
      (cursor) => this.fetchPage(cursor).then((page) => ({ ...page, items: page.items.map(project) })),
      this.describe,
    );
  }

  /** Every item of every page, fetching the next page only when the items before it are used. */
  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    for await (const page of this.pages()) yield* page.items;
  }
}
