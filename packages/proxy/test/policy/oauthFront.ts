import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type ConnectableServer, serveHttp } from '@org/proxy';
import { type Issuer, within } from '@org/test-utils';
import { frontHttp } from '../fixtures/fronts';
import type { Cleanup } from '../reliability/fixtures/harness';

/** The resource (audience) of the OAuth fronts of these tests. */
export const RESOURCE = 'https://mcp.example.test/mcp';

/** `server` behind an HTTP front on loopback taking `issuer`'s tokens for {@link RESOURCE}. */
export async function serveOAuthFront(
  server: ConnectableServer,
  issuer: Issuer,
  cleanup: Cleanup,
): Promise<string> {
  const http = await serveHttp(server, {
    host: '127.0.0.1',
    port: 0,
    oauth: { resource: RESOURCE, authorizationServers: [issuer.url] },
  });
  cleanup.add(http, (h) => h.close());
  return http.url;
}

/** A client of the front at `url`, authenticated as `clientId` with `scope` (closed by `cleanup`). */
export async function connectAs(
  url: string,
  issuer: Issuer,
  cleanup: Cleanup,
  clientId: string,
  scope?: string,
): Promise<{ client: Client; token: string }> {
  const token = await issuer.token(clientId, RESOURCE, scope);
  const front = await within(
    frontHttp(url, {}, clientId, undefined, { authorization: `Bearer ${token}` }),
    15_000,
    `${clientId} to connect`,
  );
  cleanup.add(front, (f) => f.close());
  return { client: front.client, token };
}
