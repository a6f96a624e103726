import type { ComponentKind } from '@org/core';

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
 * `<backend>/<kind>:<partition>`: `backend` is the provider's name (one store may serve every
 * backend of a proxy), `kind` is `tool`, `resource`, `template` or `prompt`; `partition` tells
 * apart backend answers that may differ (see `ListCache`): the backend session under the
 * `session` cache scope, a digest of forwarded credentials, the client capabilities announced
 * to the backend. Keys never hold a secret, and entries hold wire objects only, so a shared
 * store (Redis, ...) fits.
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

/**
 * Which backend answers share cached lists:
 * - `session`: each backend session has its own lists (what a stateful backend needs: a
 *   browser, a database session, a per-user workspace lists what its session holds);
 * - `shared`: every backend session with the same forwarded credentials and announced
 *   capabilities shares one list (FastMCP's one cache; cheaper, right for backends whose lists
 *   do not depend on the session).
 */
export type CacheScope = 'session' | 'shared';

/** Options of {@link ListCache}. */
export interface ListCacheOptions {
  /** How long a list is served from the cache, in milliseconds; `0` disables the cache. */
  ttlMs: number;
  /** What the store keys of this cache start with (`<prefix>/`): the backend's name. */
  prefix?: string;
  /** Where entries are kept. @default a new InMemoryListCacheStore */
  store?: ListCacheStore;
  /**
   * The most entries kept (kinds times partitions); past it the least recently used entry is
   * dropped. Partitions of sessions that ended are dropped at once (see `release`).
   * @default 4096
   */
  maxEntries?: number;
  /** Told of every lookup of {@link ListCache.get}: served from the cache (`hit`) or fetched (`miss`). */
  onLookup?: (kind: ComponentKind, outcome: 'hit' | 'miss') => void;
}

/** A list and whether this call fetched it from the backend. */
export interface CachedList {
  /** The list. */
  entry: ListCacheEntry;
  /** Whether it was fetched (or joined while being fetched) by this call rather than read from the cache. */
  fetched: boolean;
}

/** Fetches one kind's list from the backend. */
export type ListFetcher = () => Promise<unknown[]>;

/** What a key holds. */
interface Owner {
  kind: ComponentKind;
  partition: string;
}

/** A fetch under way, the one of record for its key. */
interface InFlight extends Owner {
  promise: Promise<ListCacheEntry>;
}

/**
 * The cache policy of a `ProxyProvider`: lists by kind and partition, served while younger
 * than the TTL, one backend request for any number of concurrent callers of a partition, no
 * storing of a list fetched across an invalidation, invalidation of
 * a kind (every partition) or of one partition, release of a partition, and a bound on the
 * entries kept (least recently used first out).
 *
 * @example
 * ```ts
 * const cache = new ListCache({ ttlMs: 60_000 });
 * const { entry } = await cache.get('tool', 'session-1', () => backend.listTools());
 * await cache.invalidate('tool', 'session-1'); // that session's backend said its tools changed
 * ```
 */
export class ListCache {
  /** How long lists are served, in milliseconds (`0`: never from the cache). */
  readonly ttlMs: number;
  readonly #store: ListCacheStore;
  readonly #maxEntries: number;
  readonly #prefix: string;
  readonly #onLookup: ListCacheOptions['onLookup'];
  readonly #inflight = new Map<string, InFlight>();
  /** Keys stored, least recently used first, with the kind and partition of each. */
  readonly #keys = new Map<string, Owner>();

  /** @param options - TTL, store and bound */
  constructor(options: ListCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.#store = options.store ?? new InMemoryListCacheStore();
    this.#maxEntries = options.maxEntries ?? 4096;
    this.#prefix = options.prefix === undefined ? '' : `${options.prefix}/`;
    this.#onLookup = options.onLookup;
  }

  /** The store key of a kind's list in a partition. */
  key(kind: ComponentKind, partition: string): string {
    return `${this.#prefix}${kind}:${partition}`;
  }

  /** How many entries the cache knows it stored. */
  get size(): number {
    return this.#keys.size;
  }

  /**
   * The list of `kind` in `partition`: from the cache while fresh (unless `refresh`), else
   * fetched, sharing a fetch already under way for the same partition.
   */
  async get(
    kind: ComponentKind,
    partition: string,
    fetch: ListFetcher,
    refresh = false,
  ): Promise<CachedList> {
    const key = this.key(kind, partition);
    if (!refresh && this.ttlMs > 0) {
      const cached = await this.#store.get(key);
      if (cached && performance.now() - cached.storedAt < this.ttlMs) {
        this.#touch(key, kind, partition);
        this.#onLookup?.(kind, 'hit');
        return { entry: cached, fetched: false };
      }
    }
    this.#onLookup?.(kind, 'miss');
    return { entry: await this.#fetchShared(kind, partition, key, fetch), fetched: true };
  }

  /**
   * A newer list than `missed`, the entry in which a name was not found: the one already stored
   * when another caller refreshed meanwhile, else a fetch (shared with concurrent callers). So
   * any number of lookups of unknown names cost one backend request.
   */
  async refreshAfterMiss(
    kind: ComponentKind,
    partition: string,
    missed: ListCacheEntry,
    fetch: ListFetcher,
  ): Promise<ListCacheEntry> {
    const key = this.key(kind, partition);
    const pending = this.#inflight.get(key);
    if (pending) return pending.promise;
    const current = this.ttlMs > 0 ? await this.#store.get(key) : undefined;
    if (current && current.storedAt > missed.storedAt) return current;
    return this.#fetchShared(kind, partition, key, fetch);
  }

  #fetchShared(
    kind: ComponentKind,
    partition: string,
    key: string,
    fetch: ListFetcher,
  ): Promise<ListCacheEntry> {
    const pending = this.#inflight.get(key);
    if (pending) return pending.promise;
    // Assigned before the fetch's first await returns, so the body below sees it.
    let fetching!: Promise<ListCacheEntry>;
    fetching = (async () => {
      const items = await fetch();
      const entry: ListCacheEntry = { items, storedAt: performance.now() };
      // Stored only while still the fetch of record: an invalidation or a release meanwhile
      // withdrew it (the list may predate the change, or nobody will ask for it again).
      if (this.ttlMs > 0 && this.#inflight.get(key)?.promise === fetching) {
        await this.#store.set(key, entry);
        this.#touch(key, kind, partition);
        await this.#evict();
      }
      return entry;
    })().finally(() => {
      if (this.#inflight.get(key)?.promise === fetching) this.#inflight.delete(key);
    });
    this.#inflight.set(key, { kind, partition, promise: fetching });
    return fetching;
  }

  #touch(key: string, kind: ComponentKind, partition: string): void {
    this.#keys.delete(key);
    this.#keys.set(key, { kind, partition });
  }

  async #evict(): Promise<void> {
    while (this.#keys.size > this.#maxEntries) {
      const oldest = this.#keys.keys().next().value as string;
      this.#keys.delete(oldest);
      await this.#store.delete(oldest);
    }
  }

  /**
   * Forgets the lists of `kind`: of the partitions `which` picks (a partition name picks
   * itself), or of every partition when it is not given. A list still on its way from the
   * backend is not shared with later lookups, nor stored: it may predate the change.
   */
  async invalidate(
    kind: ComponentKind,
    which?: string | ((partition: string) => boolean),
  ): Promise<void> {
    const picks =
      which === undefined
        ? () => true
        : typeof which === 'string'
          ? (partition: string) => partition === which
          : which;
    for (const [key, owner] of [...this.#inflight]) {
      if (owner.kind === kind && picks(owner.partition)) this.#inflight.delete(key);
    }
    const drop: string[] = [];
    for (const [key, owner] of this.#keys) {
      if (owner.kind === kind && picks(owner.partition)) drop.push(key);
    }
    if (typeof which === 'string') drop.push(this.key(kind, which));
    for (const key of drop) this.#keys.delete(key);
    await Promise.all([...new Set(drop)].map((key) => this.#store.delete(key)));
  }

  /** Forgets every list of `partition` (its session ended: nothing will ask for them again). */
  release(partition: string): Promise<void> {
    return this.releaseWhere((candidate) => candidate === partition);
  }

  /** Forgets every list of the partitions `which` picks, and withdraws their fetches under way. */
  async releaseWhere(which: (partition: string) => boolean): Promise<void> {
    for (const [key, owner] of [...this.#inflight]) {
      if (which(owner.partition)) this.#inflight.delete(key);
    }
    const drop: string[] = [];
    for (const [key, owner] of this.#keys) if (which(owner.partition)) drop.push(key);
    for (const key of drop) this.#keys.delete(key);
    await Promise.all(drop.map((key) => this.#store.delete(key)));
  }
}

/** The cache scopes, for validation and help texts. */
export const CACHE_SCOPES: readonly CacheScope[] = ['session', 'shared'];
