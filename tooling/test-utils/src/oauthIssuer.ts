/// <reference path="./oidcProvider.d.ts" />
import { createPublicKey, verify } from 'node:crypto';
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
  /**
   * Offer OAuth 2.0 Token Exchange (RFC 8693) at `/token` to every client: a JWT access token of
   * this issuer (the subject token) is exchanged for one of the `resource` asked for, with the
   * same `sub`. Each exchange is reported here.
   */
  onExchange?: (exchange: { subject: string; resource: string; clientId: string }) => void;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** The payload of `jwt` when its RS256 signature is one of `url`'s keys and it is unexpired. */
async function verifiedPayload(
  url: string,
  jwt: string,
): Promise<Record<string, unknown> | undefined> {
  const [head, body, signature] = jwt.split('.');
  if (!head || !body || !signature) return undefined;
  const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as {
    kid?: string;
    alg?: string;
  };
  const { keys } = (await (await fetch(`${url}/jwks`)).json()) as { keys: Array<{ kid?: string }> };
  const jwk = keys.find((key) => key.kid === header.kid);
  if (!jwk || header.alg !== 'RS256') return undefined;
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${head}.${body}`),
    createPublicKey({ key: jwk as never, format: 'jwk' }),
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return undefined;
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
  if (payload.iss !== url || typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) {
    return undefined;
  }
  return payload;
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
      grant_types: options.onExchange
        ? ['client_credentials', TOKEN_EXCHANGE]
        : ['client_credentials'],
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
  const onExchange = options.onExchange;
  if (onExchange) {
    provider.registerGrantType(
      TOKEN_EXCHANGE,
      async (ctx: {
        oidc: {
          params: Record<string, string | undefined>;
          client: { clientId: string };
          provider: never;
        };
        status: number;
        body: unknown;
      }) => {
        const { subject_token: subjectToken, resource } = ctx.oidc.params;
        const payload = subjectToken ? await verifiedPayload(url, subjectToken) : undefined;
        if (!payload || typeof payload.sub !== 'string' || !resource) {
          ctx.status = 400;
          ctx.body = { error: 'invalid_grant', error_description: 'subject token invalid' };
          return;
        }
        const { AccessToken, Grant } = ctx.oidc.provider as unknown as {
          AccessToken: new (
            init: Record<string, unknown>,
          ) => {
            resourceServer: unknown;
            expiration: number;
            save(): Promise<string>;
          };
          Grant: new (
            init: Record<string, unknown>,
          ) => {
            addResourceScope(resource: string, scope: string): void;
            save(): Promise<string>;
          };
        };
        const grant = new Grant({ accountId: payload.sub, clientId: ctx.oidc.client.clientId });
        grant.addResourceScope(resource, scopes.join(' '));
        const token = new AccessToken({
          accountId: payload.sub,
          client: ctx.oidc.client,
          grantId: await grant.save(),
          scope: scopes.join(' '),
          gty: 'token_exchange',
        });
        token.resourceServer = {
          audience: resource,
          scope: scopes.join(' '),
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
        const value = await token.save();
        onExchange({ subject: payload.sub, resource, clientId: ctx.oidc.client.clientId });
        ctx.body = {
          access_token: value,
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: token.expiration,
        };
      },
      [
        'subject_token',
        'subject_token_type',
        'requested_token_type',
        'resource',
        'audience',
        'scope',
      ],
    );
  }
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
