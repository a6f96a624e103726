import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { basicAuthorization } from '../oauthClientAuth';
import type { OAuthGrantRecord } from './oauthGrants';
import type { OAuthBackendOptions } from './oauthOptions';
import { quietFetch } from './quietFetch';

/** What {@link revokeOAuthGrant} did. */
export interface RevokeOutcome {
  /** How many tokens the authorization server accepted to revoke. */
  revoked: number;
  /** Why nothing (or not everything) was revoked, when so. */
  reason?: string;
}

/**
 * Revokes a grant at its authorization server (RFC 7009): its refresh token (else its access
 * token), at the `revocation_endpoint` its metadata names, as the client it was issued to. Never throws: a server without revocation, or one that fails, is reported.
 */
export async function revokeOAuthGrant(
  record: OAuthGrantRecord,
  options: OAuthBackendOptions,
  fetchImpl?: FetchLike,
): Promise<RevokeOutcome> {
  // OpenID metadata types leave the RFC 8414 field out; the documents carry it all the same.
  const metadata = record.discovery?.authorizationServerMetadata as
    | { revocation_endpoint?: unknown }
    | undefined;
  const endpoint =
    typeof metadata?.revocation_endpoint === 'string' ? metadata.revocation_endpoint : undefined;
  if (!record.tokens) return { revoked: 0, reason: 'no tokens were stored' };
  if (!endpoint) return { revoked: 0, reason: 'the authorization server offers no revocation' };
  const clientId = options.clientId ?? record.clientInformation?.client_id;
  const secret =
    options.clientId !== undefined ? options.clientSecret : record.clientInformation?.client_secret;
  const send = quietFetch(fetchImpl);
  let revoked = 0;
  const failures: string[] = [];
  // Revoking the refresh token ends the grant (RFC 7009 §2.1: the server should invalidate
  // its access tokens too); the access token is sent only when there is no refresh token.
  const tokens: Array<[string, string | undefined]> = record.tokens.refresh_token
    ? [['refresh_token', record.tokens.refresh_token]]
    : [['access_token', record.tokens.access_token]];
  for (const [hint, token] of tokens) {
    if (!token) continue;
    const body = new URLSearchParams({ token, token_type_hint: hint });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (secret && clientId) headers.authorization = basicAuthorization(clientId, secret);
    else if (clientId) body.set('client_id', clientId);
    try {
      const response = await send(endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel().catch(() => {});
      if (response.ok) revoked++;
      else failures.push(`${hint}: HTTP ${response.status}`);
    } catch (error) {
      failures.push(`${hint}: ${(error as Error).message}`);
    }
  }
  return failures.length ? { revoked, reason: failures.join('; ') } : { revoked };
}
