import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ProxyError, ProxyErrorCode } from '../errors';
import {
  grantId,
  type OAuthGrantEntry,
  type OAuthGrantKey,
  type OAuthGrantRecord,
  type OAuthTokenStore,
} from './oauthGrants';

/** The variable naming the token store file, over the default path. */
export const TOKEN_STORE_ENV = 'ORG_MCP_PROXY_TOKEN_STORE';

/**
 * The default token store file: `$ORG_MCP_PROXY_TOKEN_STORE`, else
 * `$XDG_CONFIG_HOME/org-mcp-proxy/oauth-grants.json`, else
 * `~/.config/org-mcp-proxy/oauth-grants.json` (on Windows under `%APPDATA%`).
 */
export function defaultTokenStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const named = env[TOKEN_STORE_ENV];
  if (named) return named;
  const base =
    env.XDG_CONFIG_HOME ||
    (process.platform === 'win32' && env.APPDATA ? env.APPDATA : join(homedir(), '.config'));
  return join(base, 'org-mcp-proxy', 'oauth-grants.json');
}

interface StoreFile {
  version: 1;
  grants: OAuthGrantEntry[];
}

/** How long a lock file may live before it counts as left behind by a dead process. */
const STALE_LOCK_MS = 10_000;
/** How many times a held lock is retried (every 10 ms), before giving up. */
const LOCK_ATTEMPTS = 500;

/**
 * Grants kept in one JSON file, mode 0600 in a directory of mode 0700, written atomically (a
 * temporary file renamed over it) under a lock file, so a `login` in one process and a refresh
 * in a running proxy do not lose each other's writes. The file is read again whenever it
 * changed, so a running proxy sees a new login at once.
 */
export class FileTokenStore implements OAuthTokenStore {
  /** The file. */
  readonly path: string;
  #cache: { stamp: string; content: StoreFile } | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /** @param path - the file; {@link defaultTokenStorePath} when omitted */
  constructor(path: string = defaultTokenStorePath()) {
    this.path = path;
  }

  /** {@inheritDoc OAuthTokenStore.read} */
  async read(key: OAuthGrantKey): Promise<OAuthGrantRecord | undefined> {
    const id = grantId(key);
    const entry = (await this.#load()).grants.find((grant) => grantId(grant.key) === id);
    return entry ? structuredClone(entry.record) : undefined;
  }

  /** {@inheritDoc OAuthTokenStore.update} */
  update(
    key: OAuthGrantKey,
    change: (current: OAuthGrantRecord | undefined) => OAuthGrantRecord | undefined,
  ): Promise<void> {
    const run = this.#queue.then(() => this.#locked(() => this.#change(key, change)));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** {@inheritDoc OAuthTokenStore.list} */
  async list(): Promise<OAuthGrantEntry[]> {
    return structuredClone((await this.#load()).grants);
  }

  async #change(
    key: OAuthGrantKey,
    change: (current: OAuthGrantRecord | undefined) => OAuthGrantRecord | undefined,
  ): Promise<void> {
    this.#cache = undefined;
    const content = await this.#load();
    const id = grantId(key);
    const index = content.grants.findIndex((grant) => grantId(grant.key) === id);
    const current = index >= 0 ? content.grants[index]?.record : undefined;
    const next = change(current ? structuredClone(current) : undefined);
    const grants = content.grants.filter((_, at) => at !== index);
    if (next !== undefined) grants.push({ key: { ...key }, record: next });
    await this.#write({ version: 1, grants });
  }

  async #load(): Promise<StoreFile> {
    let stamp: string;
    try {
      const info = await stat(this.path);
      stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, grants: [] };
      throw this.#failure('cannot be read', error);
    }
    if (this.#cache?.stamp === stamp) return this.#cache.content;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.path, 'utf8'));
    } catch (error) {
      throw this.#failure('is not a token store (not JSON)', error);
    }
    const content = parsed as Partial<StoreFile>;
    if (content?.version !== 1 || !Array.isArray(content.grants)) {
      throw this.#failure('is not a token store (expected version 1 with "grants")');
    }
    this.#cache = { stamp, content: content as StoreFile };
    return this.#cache.content;
  }

  async #write(content: StoreFile): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
    this.#cache = undefined;
  }

  async #locked<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const lock = `${this.path}.lock`;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(lock, 'wx', 0o600);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw this.#failure('cannot be locked', error);
        }
        const age = await stat(lock).then(
          (info) => Date.now() - info.mtimeMs,
          () => 0,
        );
        if (age > STALE_LOCK_MS) await rm(lock, { force: true });
        else if (attempt >= LOCK_ATTEMPTS) {
          throw this.#failure(`is locked by another process (${lock})`);
        } else await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    try {
      return await work();
    } finally {
      await rm(lock, { force: true });
    }
  }

  #failure(what: string, cause?: unknown): ProxyError {
    const reason = cause instanceof Error ? `: ${cause.message}` : '';
    return new ProxyError(
      ProxyErrorCode.InvalidConfig,
      `Token store ${this.path} ${what}${reason}`,
      { cause },
    );
  }
}
