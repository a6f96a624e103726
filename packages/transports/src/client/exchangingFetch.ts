import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ProxyError, ProxyErrorCode } from '../errors';
import type { TokenExchanger } from './tokenExchange';

/**
 * `base` with every request's `Authorization` set to a backend token exchanged (RFC 8693) for
 * the front token `subjectToken` gives at send time. Without a front token the request is not
 * sent: the error names the backend (a backend reached per caller has no anonymous access).
 */
export function exchangingFetch(
  base: FetchLike,
  exchanger: TokenExchanger,
  backend: string,
  subjectToken: (() => string | undefined) | undefined,
): FetchLike {
  return async (url, init) => {
    const subject = subjectToken?.();
    if (subject === undefined) {
      throw new ProxyError(
        ProxyErrorCode.BackendUnavailable,
        `Backend ${backend} is reached with each caller's own token (token exchange), and this request has no OAuth caller`,
      );
    }
    const token = await exchanger.exchange(subject);
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return base(url, { ...init, headers });
  };
}
