import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { OAuthFront } from '@org/transports';

/** The name of the dashboard's session cookie. */
export const DASHBOARD_COOKIE = 'mcp_dashboard';

/** At most this many OAuth sign-ins are kept (the oldest dropped first). */
const MAX_SIGN_INS = 1000;
/** The longest an OAuth sign-in lasts, whatever the token's expiry. */
const MAX_SIGN_IN_MS = 8 * 3600_000;

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function bearerOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** How the dashboard signs browsers in: the front's static token, or its OAuth tokens. */
export interface DashboardGate {
  /** Whether signing in is needed at all. */
  readonly required: boolean;
  /** What the login form asks for. */
  readonly asks: 'static' | 'oauth';
  /** The cookie value for a browser that gave `token`, or `undefined` when it is refused. */
  signIn(token: string): Promise<string | undefined>;
  /** Whether the request carries a good token (header) or a signed-in cookie. */
  admits(req: IncomingMessage): Promise<boolean>;
  /** Forgets the request's sign-in. */
  signOut(req: IncomingMessage): void;
}

/** The front's static bearer token, compared in constant time; the cookie is an HMAC of it. */
export class StaticTokenGate implements DashboardGate {
  readonly asks = 'static';
  readonly #key = randomBytes(32);
  readonly #expected: Buffer | undefined;
  readonly #cookie: string | undefined;

  /** @param token - the front's token; `undefined`: no sign-in */
  constructor(token: string | undefined) {
    this.#expected = token === undefined ? undefined : this.#mac(`token:${token}`);
    this.#cookie =
      token === undefined ? undefined : this.#mac(`cookie:${token}`).toString('base64url');
  }

  get required(): boolean {
    return this.#expected !== undefined;
  }

  #mac(text: string): Buffer {
    return createHmac('sha256', this.#key).update(text).digest();
  }

  #matches(token: string): boolean {
    return (
      this.#expected !== undefined && timingSafeEqual(this.#mac(`token:${token}`), this.#expected)
    );
  }

  async signIn(token: string): Promise<string | undefined> {
    return this.#matches(token) ? this.#cookie : undefined;
  }

  async admits(req: IncomingMessage): Promise<boolean> {
    if (this.#expected === undefined) return true;
    const bearer = bearerOf(req);
    if (bearer !== undefined && this.#matches(bearer)) return true;
    const cookie = cookieOf(req, DASHBOARD_COOKIE);
    if (cookie === undefined || this.#cookie === undefined) return false;
    return timingSafeEqual(this.#mac(`given:${cookie}`), this.#mac(`given:${this.#cookie}`));
  }

  signOut(): void {}
}

/**
 * Behind an OAuth front: a browser signs in with an access token the front accepts (issuer,
 * audience, time, the front's scopes) that also holds `scopes`. The token is checked once and
 * not kept: the cookie is a random sign-in id, valid until the token expires (at most 8 h), and
 * signing out forgets it.
 */
export class OAuthGate implements DashboardGate {
  readonly required = true;
  readonly asks = 'oauth';
  readonly #front: Pick<OAuthFront, 'verifyToken'>;
  readonly #scopes: readonly string[];
  readonly #signIns = new Map<string, number>();

  /**
   * @param front - the front's token checks
   * @param scopes - scopes the dashboard needs beyond the front's
   */
  constructor(front: Pick<OAuthFront, 'verifyToken'>, scopes: readonly string[] = []) {
    this.#front = front;
    this.#scopes = scopes;
  }

  /** Until when a token signs in (ms), or `undefined` when it is refused. */
  async #check(token: string): Promise<number | undefined> {
    const checked = await this.#front.verifyToken(token);
    if ('status' in checked) return undefined;
    if (!this.#scopes.every((scope) => checked.scopes.includes(scope))) return undefined;
    const limit = Date.now() + MAX_SIGN_IN_MS;
    return checked.expiresAt === undefined ? limit : Math.min(limit, checked.expiresAt * 1000);
  }

  async signIn(token: string): Promise<string | undefined> {
    const until = await this.#check(token);
    if (until === undefined) return undefined;
    const id = randomBytes(32).toString('base64url');
    if (this.#signIns.size >= MAX_SIGN_INS) {
      const oldest = this.#signIns.keys().next().value;
      if (oldest !== undefined) this.#signIns.delete(oldest);
    }
    this.#signIns.set(id, until);
    return id;
  }

  async admits(req: IncomingMessage): Promise<boolean> {
    const bearer = bearerOf(req);
    if (bearer !== undefined) return (await this.#check(bearer)) !== undefined;
    const id = cookieOf(req, DASHBOARD_COOKIE);
    const until = id === undefined ? undefined : this.#signIns.get(id);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.#signIns.delete(id!);
    return false;
  }

  signOut(req: IncomingMessage): void {
    const id = cookieOf(req, DASHBOARD_COOKIE);
    if (id !== undefined) this.#signIns.delete(id);
  }
}
