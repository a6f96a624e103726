/** Options of {@link browseAuthorization}. */
export interface BrowseOptions {
  /** Deny the request at the login page instead: the client gets `error=access_denied`. */
  deny?: boolean;
  /** Give up (with an error naming the URL being loaded) after this long. @default 10000 */
  timeoutMs?: number;
}

/** Where {@link browseAuthorization} ended: the client's redirect URI, as loaded once. */
export interface BrowseResult {
  /** The redirect URI with its query (`code` and `state`, or `error`). */
  callbackUrl: URL;
  /** Where the redirect URI sent the browser on, when it answered with a redirect (not followed). */
  location?: string;
  /** The status the redirect URI's server answered with. */
  status: number;
  /** The body it answered with. */
  body: string;
}

const MAX_REDIRECTS = 20;

interface Cookie {
  name: string;
  value: string;
  path: string;
}

/** A minimal cookie jar for one origin: `Path` and expiry honoured, nothing else. */
class CookieJar {
  readonly #cookies = new Map<string, Cookie>();

  store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: Cookie = {
        name: pair.slice(0, eq).trim(),
        value: pair.slice(eq + 1).trim(),
        path: url.pathname.slice(0, url.pathname.lastIndexOf('/')) || '/',
      };
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', ...rest] = attribute.split('=');
        const value = rest.join('=').trim();
        switch (key.trim().toLowerCase()) {
          case 'path':
            if (value.startsWith('/')) cookie.path = value;
            break;
          case 'max-age':
            if (Number(value) <= 0) expired = true;
            break;
          case 'expires':
            if (Date.parse(value) <= Date.now()) expired = true;
            break;
        }
      }
      const key = `${cookie.name};${cookie.path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The `cookie` header for a request to `url` (longest paths first), or undefined. */
  header(url: URL): string | undefined {
    const path = url.pathname;
    const matching = [...this.#cookies.values()]
      .filter(
        (cookie) =>
          path === cookie.path ||
          path.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`),
      )
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length
      ? matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ')
      : undefined;
  }
}

/** The first 300 characters of a body; of an HTML page, of its text (no markup or styles). */
function excerpt(body: string): string {
  const text = /<html|<!doctype/i.test(body)
    ? body
        .replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
    : body;
  return text.slice(0, 300);
}

/** The `action` of the first form in `html` (resolved against `base`), if there is a form. */
function formAction(html: string, base: URL): URL | undefined {
  const form = /<form\b[^>]*>/i.exec(html)?.[0];
  if (!form) return undefined;
  const action = /\baction\s*=\s*"([^"]*)"/i.exec(form)?.[1];
  return new URL(action ?? base.href, base);
}

/**
 * Plays the user's browser through an authorization request of an issuer started by
 * `startIssuer` with `authorizationCode`: loads `authorizationUrl` with a cookie jar, follows
 * the redirects while they stay on the issuer's origin, and at the login page submits its form
 * with `account` (who logs in: the `sub` of the tokens; consent is then given by the issuer
 * itself), or with `decision=deny` when `options.deny`. When a redirect leaves the issuer's
 * origin (to the client's redirect URI, such as a CLI's loopback listener) that URL is loaded
 * once, and its URL, status and body are the result.
 *
 * Bounded: at most 20 redirects, and `timeoutMs` in all. Throws, naming the URL, when the
 * issuer answers anything but a redirect or its login page (with the status and the first 300
 * characters of the body, of its text for an HTML page), or when a request fails.
 */
export async function browseAuthorization(
  authorizationUrl: string | URL,
  account: string,
  options: BrowseOptions = {},
): Promise<BrowseResult> {
  const start = new URL(authorizationUrl);
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const jar = new CookieJar();
  const load = async (url: URL, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(url, { ...init, redirect: 'manual', signal });
    } catch (error) {
      const reason = signal.aborted
        ? `timed out after ${options.timeoutMs ?? 10_000} ms`
        : error instanceof Error
          ? error.message
          : String(error);
      throw new Error(`The browser could not load ${init.method ?? 'GET'} ${url}: ${reason}`, {
        cause: error,
      });
    }
  };
  let url = start;
  let form: URLSearchParams | undefined;
  let submitted = false;
  for (let redirects = 0; ; ) {
    if (url.origin !== start.origin) {
      const res = await load(url, { method: 'GET' });
      const location = res.headers.get('location');
      return {
        callbackUrl: url,
        status: res.status,
        body: await res.text(),
        ...(location ? { location: new URL(location, url).href } : {}),
      };
    }
    const method = form ? 'POST' : 'GET';
    const headers = new Headers();
    const cookie = jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    if (form) headers.set('content-type', 'application/x-www-form-urlencoded');
    const res = await load(url, { method, headers, ...(form ? { body: form } : {}) });
    jar.store(url, res.headers.getSetCookie());
    form = undefined;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      redirects += 1;
      if (redirects > MAX_REDIRECTS) {
        throw new Error(`More than ${MAX_REDIRECTS} redirects browsing ${start}; the last: ${url}`);
      }
      url = new URL(location, url);
      continue;
    }
    const body = await res.text();
    const action = res.status === 200 && method === 'GET' ? formAction(body, url) : undefined;
    if (action && !submitted && action.origin === start.origin) {
      // The login page: log in as `account`, or deny.
      submitted = true;
      form = new URLSearchParams(options.deny ? { decision: 'deny' } : { account });
      url = action;
      continue;
    }
    throw new Error(
      `The issuer answered ${method} ${url} with ${res.status}, not a redirect${
        action ? ' (a second login page)' : ''
      }: ${excerpt(body)}`,
    );
  }
}
