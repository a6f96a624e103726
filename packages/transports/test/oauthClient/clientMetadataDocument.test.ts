// A client ID metadata document (SEP-991, draft-ietf-oauth-client-id-metadata-document) with
// real components: `loginBackend` and `StoredOAuthProvider` against oidc-provider
// (`startIssuer` with `clientMetadataDocuments`), whose `client_id` is the https URL of a
// document served over TLS on loopback, so no dynamic client registration happens.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  browseAuthorization,
  type ClientMetadataDocumentServer,
  closedPort,
  type Issuer,
  type ProtectedBackend,
  startClientMetadataDocument,
  startIssuer,
  startProtectedBackend,
} from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { loginBackend, MemoryTokenStore, StoredOAuthProvider } from '../../src/index';

const SCOPES = ['mcp:read', 'mcp:write'];

describe('a client ID metadata document as client_id', () => {
  const closers: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function setup(redirectPort: number): Promise<{
    document: ClientMetadataDocumentServer;
    issuer: Issuer;
    backend: ProtectedBackend;
  }> {
    const document = await startClientMetadataDocument({
      client_name: 'clientMetadataDocument test',
      redirect_uris: [`http://127.0.0.1:${redirectPort}/callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    closers.push(() => document.close());
    const issuer = await startIssuer([], SCOPES, {
      authorizationCode: { clientMetadataDocuments: { ca: document.ca } },
    });
    closers.push(() => issuer.close());
    const backend = await startProtectedBackend({ issuer: issuer.url, scopes: SCOPES });
    closers.push(() => backend.close());
    return { document, issuer, backend };
  }

  it('advertises client_id_metadata_document_supported in the issuer metadata', async () => {
    const { issuer } = await setup(await closedPort());
    const metadata = (await (
      await fetch(`${issuer.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.client_id_metadata_document_supported).toBe(true);
  });

  it('refuses a document whose server the issuer does not trust', async () => {
    const redirectUri = `http://127.0.0.1:${await closedPort()}/callback`;
    const document = await startClientMetadataDocument({
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
    });
    closers.push(() => document.close());
    // Another self-signed certificate: not the one `document` serves.
    const other = await startClientMetadataDocument({});
    closers.push(() => other.close());
    const issuer = await startIssuer([], SCOPES, {
      authorizationCode: { clientMetadataDocuments: { ca: other.ca } },
    });
    closers.push(() => issuer.close());
    const authorize = new URL(`${issuer.url}/auth`);
    authorize.search = new URLSearchParams({
      client_id: document.url,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: SCOPES.join(' '),
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const res = await fetch(authorize, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid_client');
    expect(document.fetches).toBe(0);
  });

  it('logs in with the document URL as client_id, and the stored token is accepted', async () => {
    const redirectPort = await closedPort();
    const { document, issuer, backend } = await setup(redirectPort);
    const store = new MemoryTokenStore();
    const oauth = { clientMetadataUrl: document.url, store, redirectPort };
    const browsed: Array<Promise<unknown>> = [];

    const result = await loginBackend(
      { name: 'ws', url: backend.url, oauth },
      {
        onAuthorizationUrl: (url) => {
          expect(url.searchParams.get('client_id')).toBe(document.url);
          browsed.push(browseAuthorization(url, 'alice'));
        },
        timeoutMs: 15_000,
      },
    );
    await Promise.all(browsed);

    expect(result.key).toEqual({ url: new URL(backend.url).href });
    expect(issuer.registrations).toBe(0);
    expect(document.fetches).toBeGreaterThanOrEqual(1);
    const record = await store.read(result.key);
    expect(record?.clientInformation?.client_id).toBe(document.url);
    expect(record?.tokens?.access_token).toEqual(expect.any(String));

    const client = new Client({ name: 'clientMetadataDocument test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(backend.url), {
      authProvider: new StoredOAuthProvider('ws', oauth, () => result.key, { kind: 'serve' }),
    });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
    expect(backend.subjects()).toContain('alice');
    expect(backend.subjects().every((subject) => subject === 'alice')).toBe(true);
    expect(issuer.registrations).toBe(0);
  });
});
