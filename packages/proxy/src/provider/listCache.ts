/** A value or a promise of one: stores may be synchronous (memory) or not (Redis and the like). */
export type MaybePromise<T> = T | Promise<T>;

/** One cached list of a backend's components, in their wire form. */
export interface ListCacheEntry {
  /** The backend's wire objects (tools, resources, templates or prompts), serialisable as JSON. */
  items: unknown[];
  /** When the list was fetched, in milliseconds of a monotonic clock (`performance.now()`). */
  storedAt: number;
}

/**
 * Where a `ProxyProvider` keeps backend component lists. Keys look like
 * `<kind>:<partition>`: `kind` is `tool`, `resource`, `template` or `prompt`; `partition` tells
 * apart clients whose capabilities make a backend list different components (a backend may
 * show tools only to clients that support sampling): it is the JSON of the client capabilities
 * announced to the backend. Entries hold wire objects only, so a shared store (Redis, ...) fits.
 */
export interface ListCacheStore {
  /** The entry under `key`, if any. */
  get(key: string): MaybePromise<ListCacheEntry | undefined>;
  /** Stores an entry. */
  set(key: string, entry: ListCacheEntry): MaybePromise<void>;
  /** Removes an entry. */
  delete(key: string): MaybePromise<void>;
}

/** The default {@link ListCacheStore}: a map in memory, private to one provider. */
export class InMemoryListCacheStore implements ListCacheStore {
  readonly #entries = new Map<string, ListCacheEntry>();

  /** The entry under `key`. */
  get(key: string): ListCacheEntry | undefined {
    return this.#entries.get(key);
  }

  /** Stores an entry. */
  set(key: string, entry: ListCacheEntry): void {
    this.#entries.set(key, entry);
  }

  /** Removes an entry. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** How many entries there are. */
  get size(): number {
    return this.#entries.size;
  }
}
