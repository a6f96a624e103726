import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A self-signed certificate and its key, both PEM. */
interface SelfSigned {
  key: string;
  cert: string;
}

/**
 * A new RSA key and a self-signed certificate for `127.0.0.1` (CN and IP subject alternative
 * name), valid for a day, made by `openssl` in a temporary directory removed afterwards (Node
 * cannot create X.509 certificates by itself).
 */
async function selfSignedLoopback(): Promise<SelfSigned> {
  const dir = await mkdtemp(join(tmpdir(), 'cimd-tls-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]);
    return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An HTTPS server on loopback serving one OAuth client ID metadata document. */
export interface ClientMetadataDocumentServer extends AsyncDisposable {
  /** The document's URL, `https://127.0.0.1:<port>/client.json`: the client's `client_id`. */
  readonly url: string;
  /**
   * The server's self-signed certificate (PEM), the only CA an issuer needs to trust it: pass
   * it as `startIssuer`'s `authorizationCode.clientMetadataDocuments.ca`.
   */
  readonly ca: string;
  /** How many times the document was fetched (`GET /client.json`) so far. */
  readonly fetches: number;
  /** Stops the server, dropping its connections. */
  close(): Promise<void>;
}

/**
 * Starts an HTTPS server on `127.0.0.1` (a random port, a fresh self-signed certificate made
 * with `openssl`) that serves `metadata` as a client ID metadata document
 * (draft-ietf-oauth-client-id-metadata-document, the MCP SEP-991) at `/client.json`, with its
 * `client_id` set to that URL as the draft requires; anything else is 404.
 */
export async function startClientMetadataDocument(
  metadata: Record<string, unknown>,
): Promise<ClientMetadataDocumentServer> {
  const { key, cert } = await selfSignedLoopback();
  let fetches = 0;
  let url = '';
  const server = createServer({ key, cert }, (req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', url).pathname !== '/client.json') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    fetches += 1;
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ ...metadata, client_id: url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/client.json`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url,
    ca: cert,
    get fetches() {
      return fetches;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
