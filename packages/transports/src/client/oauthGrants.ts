import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * Which grant a record holds: the backend's URL (the protected resource) and the front
 * principal it belongs to. `principal` is absent for the proxy's own grant (a proxy whose front
 * has no OAuth callers: a local bridge, a static token).
 */
export interface OAuthGrantKey {
  /** The backend's MCP endpoint, as configured. */
  url: string;
  /** The front caller's subject, or undefined for the proxy's own grant. */
  principal?: string;
}

/** What the proxy keeps of one OAuth grant to a backend. */
export interface OAuthGrantRecord {
  /** The backend's name when the grant was last written, for listings. */
  backend: string;
  /** The tokens (access and refresh), as the authorization server issued them. */
  tokens?: OAuthTokens;
  /** When the access token expires, in milliseconds since the epoch (from `expires_in`). */
  expiresAt?: number;
  /** The client the tokens were issued to (registered dynamically, or configured). */
  clientInformation?: OAuthClientInformationMixed;
  /** Where discovery led: the authorization server and both metadata documents. */
  discovery?: OAuthDiscoveryState;
  /** A scope the backend asked for (`insufficient_scope`) beyond what the grant holds. */
  neededScope?: string;
  /** Why the tokens were dropped, when the authorization server refused them. */
  refused?: string;
  /** When the record was last written, in milliseconds since the epoch. */
  updatedAt: number;
}

/** One row of {@link OAuthTokenStore.list}. */
export interface OAuthGrantEntry {
  /** Whose grant, for which backend. */
  key: OAuthGrantKey;
  /** The grant. */
  record: OAuthGrantRecord;
}

/**
 * Where OAuth grants to backends are kept, one record per backend URL and per front principal.
 * The default is a {@link FileTokenStore}; implement this to keep grants elsewhere (a secret
 * manager, a database). Every method may be called concurrently.
 */
export interface OAuthTokenStore {
  /** The record of `key`, or undefined. */
  read(key: OAuthGrantKey): Promise<OAuthGrantRecord | undefined>;
  /**
   * Replaces the record of `key` by what `change` returns for the current one (undefined
   * removes it). Read and write are one step for concurrent callers of this store.
   */
  update(
    key: OAuthGrantKey,
    change: (current: OAuthGrantRecord | undefined) => OAuthGrantRecord | undefined,
  ): Promise<void>;
  /** Every record, in no particular order. */
  list(): Promise<OAuthGrantEntry[]>;
}

/** The string a key is filed under: the URL and the principal, unambiguous. */
export function grantId(key: OAuthGrantKey): string {
  return JSON.stringify([key.url, key.principal ?? null]);
}

/** A store in memory, lost when the process ends: for tests and for embedders. */
export class MemoryTokenStore implements OAuthTokenStore {
  readonly #records = new Map<string, OAuthGrantEntry>();

  /** {@inheritDoc OAuthTokenStore.read} */
  async read(key: OAuthGrantKey): Promise<OAuthGrantRecord | undefined> {
    const entry = this.#records.get(grantId(key));
    return entry ? structuredClone(entry.record) : undefined;
  }

  /** {@inheritDoc OAuthTokenStore.update} */
  async update(
    key: OAuthGrantKey,
    change: (current: OAuthGrantRecord | undefined) => OAuthGrantRecord | undefined,
  ): Promise<void> {
    const id = grantId(key);
    const current = this.#records.get(id)?.record;
    const next = change(current ? structuredClone(current) : undefined);
    if (next === undefined) this.#records.delete(id);
    else this.#records.set(id, { key: { ...key }, record: structuredClone(next) });
  }

  /** {@inheritDoc OAuthTokenStore.list} */
  async list(): Promise<OAuthGrantEntry[]> {
    return [...this.#records.values()].map((entry) => structuredClone(entry));
  }
}
