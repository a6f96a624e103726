/// <reference path="./oidcProvider.d.ts" />
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A real OAuth authorization server (`oidc-provider`) on loopback, issuing JWT access tokens. */
export interface Issuer {
  /** Its issuer URL. */
  readonly url: string;
  /** A client-credentials access token of `clientId` for `resource`, with `scope`. */
  token(clientId: string, resource: string, scope?: string): Promise<string>;
  close(): Promise<void>;
}

/** Options of {@link startIssuer}. */
export interface IssuerOptions {
  /** Called with the URL of each request the issuer gets (to count JWKS fetches, say). */
  onRequest?: (url: string) => void;
  /** Issue opaque access tokens (checked by introspection at `/token/introspection`) instead of JWTs. */
  opaque?: boolean;
}

/**
 * Starts `oidc-provider` with confidential clients `ids` (secret `secret-<id>`) allowed the
 * client-credentials grant, and resource indicators that issue RS256 JWTs with `aud` = the
 * resource asked for.
 */
export async function startIssuer(
  ids: readonly string[],
  scopes: readonly string[],
  options: IssuerOptions = {},
): Promise<Issuer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(url, {
    scopes: ['openid', ...scopes],
    clients: ids.map((id) => ({
      client_id: id,
      client_secret: `secret-${id}`,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: scopes.join(' '),
          audience: resource,
          ...(options.opaque
            ? { accessTokenFormat: 'opaque' }
            : { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
        }),
      },
    },
  } as never);
  if (options.onRequest) server.on('request', (req) => options.onRequest?.(req.url ?? ''));
  server.on('request', provider.callback());
  return {
    url,
    async token(clientId, resource, scope = scopes.join(' ')) {
      const res = await fetch(`${url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:secret-${clientId}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`No token for ${clientId}: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
