import type { Logger, McpConfig } from '@org/transports';

/** What stands in for a redacted secret in every log line and audit record. */
export const REDACTED = '[REDACTED]';

/** The shortest value taken as a secret by {@link Redactor.addSecrets}: shorter ones would mask common words. */
export const MIN_SECRET_LENGTH = 6;

/**
 * Keys whose values are secrets wherever they appear in logged data: headers (`Authorization`,
 * `Cookie`, `Set-Cookie`, `X-Api-Key`), and anything named like a token, secret, password or
 * API key (`token`, `access_token`, `refreshToken`, `client_secret`, `apiKey`...).
 */
const SECRET_KEY =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|auth|credentials?)$|(?:token|secret|password|passwd|api[-_]?key|authorization|cookie)$/i;

/** `Bearer <token>`, `Basic <credentials>` and the like, anywhere in a text. */
const AUTH_SCHEME = /\b(Bearer|Basic|Token|Digest)\s+[A-Za-z0-9\-._~+/=:]+/gi;
/** `Authorization: ...`, `Cookie: ...`, `Set-Cookie: ...`, `X-Api-Key: ...` in a text: to the end of the line or quote. */
const HEADER_LINE =
  /\b((?:proxy-)?authorization|set-cookie|cookie|x-api-key|api-key)(\s*[:=]\s*)(?!\[REDACTED\])[^\r\n"']+/gi;
/** `user:password@` in a URL. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@"'?#]+@/gi;
/** `token=...`, `?access_token=...`, `&client_secret=...`, `password=...`, `key=...` in a URL or a text. */
const SECRET_PARAM =
  /([?&;\s,({]|^)([\w.-]*(?:token|secret|password|passwd|api[-_]?key|apikey)|key|sig|signature|auth)=([^&\s"'#;,)}]+)/gi;
/** `"token": "..."` in a JSON text. */
const SECRET_JSON =
  /("[\w.-]*(?:token|secret|password|passwd|api[-_]?key|authorization|cookie)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Masks secrets in what is logged or audited: the values of secret-named keys (see above), the
 * secrets it was told of (a config's `env` values, headers and auth, a bearer token), and in
 * any text `Bearer ...`, `Authorization: ...`, `Cookie: ...`, URL credentials (`user:pass@`)
 * and secret-named query or `key=value` parameters. Every masked part becomes
 * {@link REDACTED}. It works on copies: the data passed in is never changed.
 *
 * @example
 * ```ts
 * const redactor = new Redactor();
 * redactor.addSecrets(['s3cr3t-value']);
 * redactor.text('failed with Bearer abc.def and s3cr3t-value'); // 'failed with Bearer [REDACTED] and [REDACTED]'
 * redactor.value({ headers: { Authorization: 'Basic x' } }); // { headers: { Authorization: '[REDACTED]' } }
 * ```
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  /** @param secrets - values to mask wherever they appear (see {@link Redactor.addSecrets}) */
  constructor(secrets: Iterable<string | undefined> = []) {
    this.addSecrets(secrets);
  }

  /**
   * Masks these values wherever they appear from now on (a config's `env` values, an auth
   * token). Values shorter than {@link MIN_SECRET_LENGTH} characters, or unset, are ignored.
   */
  addSecrets(values: Iterable<string | undefined>): void {
    let added = false;
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
      if (this.#secrets.has(value)) continue;
      this.#secrets.add(value);
      added = true;
    }
    if (!added) return;
    // Longest first: a secret containing another is masked whole.
    const sorted = [...this.#secrets].sort((a, b) => b.length - a.length);
    this.#pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  }

  /** A copy of `text` with every secret it holds masked. */
  text(text: string): string {
    let out = this.#pattern ? text.replace(this.#pattern, REDACTED) : text;
    out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    out = out.replace(HEADER_LINE, `$1$2${REDACTED}`);
    out = out.replace(AUTH_SCHEME, `$1 ${REDACTED}`);
    out = out.replace(SECRET_JSON, `$1"${REDACTED}"`);
    out = out.replace(SECRET_PARAM, `$1$2=${REDACTED}`);
    return out;
  }

  /**
   * A copy of `value` with secrets masked: strings through {@link Redactor.text}, the values of
   * secret-named keys and of `env` objects replaced whole, errors as `{ name, message }`.
   * Depth is bounded (8) and cycles are cut.
   */
  value(value: unknown): unknown {
    return this.#value(value, 0, new WeakSet());
  }

  #value(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value) || depth >= 8) return '[...]';
    seen.add(value);
    if (value instanceof Error) {
      return { name: value.name, message: this.text(value.message) };
    }
    if (Array.isArray(value)) return value.map((item) => this.#value(item, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (SECRET_KEY.test(key) && item !== undefined && item !== null) out[key] = REDACTED;
      else if (key === 'env' && typeof item === 'object' && item !== null) {
        out[key] = Object.fromEntries(Object.keys(item).map((name) => [name, REDACTED]));
      } else out[key] = this.#value(item, depth + 1, seen);
    }
    return out;
  }
}

/**
 * The secrets an `mcpServers` config holds, to give to {@link Redactor.addSecrets}: every
 * server's `env` values, `headers` values, `auth`, `token_exchange.client_secret` and `oauth.client_secret`.
 */
export function configSecrets(config: McpConfig): string[] {
  const secrets: string[] = [];
  for (const server of Object.values(config.mcpServers ?? {})) {
    const entry = server as {
      env?: Record<string, unknown>;
      headers?: Record<string, unknown>;
      auth?: unknown;
      token_exchange?: { client_secret?: unknown };
      oauth?: { client_secret?: unknown };
    };
    for (const bag of [entry.env, entry.headers]) {
      if (typeof bag !== 'object' || bag === null) continue;
      for (const value of Object.values(bag)) if (typeof value === 'string') secrets.push(value);
    }
    if (typeof entry.auth === 'string') secrets.push(entry.auth);
    const exchangeSecret = entry.token_exchange?.client_secret;
    if (typeof exchangeSecret === 'string') secrets.push(exchangeSecret);
    const oauthSecret = entry.oauth?.client_secret;
    if (typeof oauthSecret === 'string') secrets.push(oauthSecret);
  }
  return secrets;
}

const redactors = new WeakMap<Logger, Redactor>();

/** The redactor a logger made by {@link redactingLogger} or `createJsonLogger` masks with. */
export function redactorOf(logger: Logger): Redactor | undefined {
  return redactors.get(logger);
}

/** Records that `logger` masks with `redactor` (see {@link redactorOf}). @internal */
export function bindRedactor<L extends Logger>(logger: L, redactor: Redactor): L {
  redactors.set(logger, redactor);
  return logger;
}

/**
 * A logger that masks secrets (see {@link Redactor}) in the message and meta of every call
 * before passing them to `logger` (the text console logger, for example).
 */
export function redactingLogger(logger: Logger, redactor: Redactor = new Redactor()): Logger {
  const wrap =
    (level: keyof Logger) =>
    (message: string, ...meta: unknown[]): void =>
      logger[level](
        redactor.text(message),
        ...meta.map((item) =>
          // An error stays an error: the text logger prints its message.
          item instanceof Error
            ? Object.assign(new Error(redactor.text(item.message)), { name: item.name })
            : redactor.value(item),
        ),
      );
  return bindRedactor(
    { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') },
    redactor,
  );
}
