import { type Context, currentContext } from '@org/core';
import { ProxyError, ProxyErrorCode } from '@org/transports';

/** A caller the front's OAuth authenticated: its subject and its front token. */
interface OAuthCaller {
  subject: string;
  token: string;
}

function oauthCaller(context: Context | undefined): OAuthCaller | undefined {
  const auth = context?.authInfo;
  if (auth?.extra?.oauth !== true) return undefined;
  return { subject: context?.principal?.subject ?? auth.clientId, token: auth.token };
}

/**
 * The front caller a backend session acts for: its front token (sent for token exchange, see
 * `HttpTarget.tokenExchange`) and its subject (whose OAuth grant is used, see
 * `HttpTarget.oauth`). That of the caller of the request each message is sent for, else (the
 * GET stream, the end of the session) the last caller. A backend session is its first caller's:
 * a request of another principal on it is refused, so a caller's messages never carry someone
 * else's token.
 */
export class FrontCaller {
  readonly #backend: string;
  #owner: OAuthCaller | undefined;

  /** @param backend - the backend's name, for messages */
  constructor(backend: string) {
    this.#backend = backend;
  }

  /** The getter of the front token given to the connector (for token exchange). */
  readonly subjectToken = (): string | undefined => this.#caller()?.token;

  /** The getter of the caller's subject given to the connector (for its OAuth grant). */
  readonly principal = (): string | undefined => this.#caller()?.subject;

  #caller(): OAuthCaller | undefined {
    const now = oauthCaller(currentContext());
    if (!now) return this.#owner;
    if (this.#owner && this.#owner.subject !== now.subject) {
      throw new ProxyError(
        ProxyErrorCode.BackendUnavailable,
        `Backend ${this.#backend} is reached with each caller's own token, and this backend session belongs to another caller: use the per-session strategy`,
      );
    }
    this.#owner = now;
    return now;
  }
}
