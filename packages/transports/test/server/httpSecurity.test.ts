import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { ProxyError, ProxyErrorCode } from '../../src/errors';
import { serveHttp } from '../../src/server/index';
import { initializeRequest, POST_ACCEPT, post, rawRequest, useCleanup } from './fixtures/http';
import { connectClient, countingFactory, textOf } from './fixtures/testServers';

const defer = useCleanup();

async function serve(options: Parameters<typeof serveHttp>[1] = {}) {
  const counter = countingFactory();
  const handle = await serveHttp(counter.factory, options);
  defer(() => handle.close());
  return { handle, counter };
}

const initBody = JSON.stringify(initializeRequest());
const postHeaders = { 'content-type': 'application/json', accept: POST_ACCEPT };

describe('serveHttp request guards', () => {
  it('refuses a foreign Host header with 403 before any server is made', async () => {
    const { handle, counter } = await serve();
    const response = await rawRequest(handle.url, {
      method: 'POST',
      headers: { ...postHeaders, host: 'evil.example' },
      body: initBody,
    });
    expect(response.status).toBe(403);
    expect(counter.sessions).toHaveLength(0);
  });

  it('accepts loopback Host names with or without the port, and allowedHosts', async () => {
    const { handle } = await serve({ allowedHosts: ['mcp.internal'] });
    for (const host of [
      'localhost',
      `localhost:${handle.port}`,
      `[::1]:${handle.port}`,
      'mcp.internal:8443',
    ]) {
      const response = await rawRequest(`http://127.0.0.1:${handle.port}/health`, {
        headers: { host },
      });
      expect(response.status, host).toBe(200);
    }
    const wrongPort = await rawRequest(`http://127.0.0.1:${handle.port}/health`, {
      headers: { host: 'localhost:1' },
    });
    expect(wrongPort.status).toBe(403);
  });

  it('accepts any Host when the check is disabled', async () => {
    const { handle } = await serve({ disableHostCheck: true });
    const response = await rawRequest(`${handle.url.replace('/mcp', '/health')}`, {
      headers: { host: 'evil.example' },
    });
    expect(response.status).toBe(200);
  });

  it('refuses a foreign Origin with 403 and accepts loopback and allowed origins', async () => {
    const { handle, counter } = await serve({ allowedOrigins: ['https://app.example'] });
    const foreign = await post(handle.url, initializeRequest(), { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    await foreign.body?.cancel();
    expect(counter.sessions).toHaveLength(0);
    for (const origin of ['http://localhost:5173', 'https://app.example']) {
      const response = await post(handle.url, initializeRequest(), { origin });
      expect(response.status, origin).toBe(200);
      await response.body?.cancel();
    }
  });

  it('requires the bearer token when authToken is set', async () => {
    const { handle, counter } = await serve({ authToken: 'secret-token' });
    const none = await post(handle.url, initializeRequest());
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    await none.body?.cancel();
    const wrong = await post(handle.url, initializeRequest(), {
      authorization: 'Bearer secret-tokem',
    });
    expect(wrong.status).toBe(401);
    await wrong.body?.cancel();
    const short = await post(handle.url, initializeRequest(), { authorization: 'Bearer s' });
    expect(short.status).toBe(401);
    await short.body?.cancel();
    expect(counter.sessions).toHaveLength(0);

    const transport = new StreamableHTTPClientTransport(new URL(handle.url), {
      requestInit: { headers: { authorization: 'Bearer secret-token' } },
    });
    const client = await connectClient(transport);
    defer(() => client.close());
    expect(
      JSON.parse(textOf(await client.callTool({ name: 'headers', arguments: {} }))),
    ).toMatchObject({
      clientId: 'bearer',
    });
    expect(counter.sessions).toHaveLength(1);
  });

  it('answers the health endpoint without auth', async () => {
    const { handle } = await serve({ authToken: 'secret-token' });
    await connectClient(
      new StreamableHTTPClientTransport(new URL(handle.url), {
        requestInit: { headers: { authorization: 'Bearer secret-token' } },
      }),
    ).then((client) => defer(() => client.close()));
    const response = await fetch(handle.url.replace('/mcp', '/health'));
    expect(response.status).toBe(200);
    expect((await response.json()) as any).toEqual({ status: 'ok', sessions: 1 });
  });

  it('refuses a body over maxBodyBytes with 413', async () => {
    const { handle, counter } = await serve({ maxBodyBytes: 1024 });
    const big = { ...(initializeRequest() as object), padding: 'x'.repeat(4096) };
    const response = await post(handle.url, big);
    expect(response.status).toBe(413);
    await response.body?.cancel();
    const chunked = await rawRequest(handle.url, {
      method: 'POST',
      headers: { ...postHeaders, 'transfer-encoding': 'chunked' },
      body: JSON.stringify(big),
    });
    expect(chunked.status).toBe(413);
    expect(counter.sessions).toHaveLength(0);
  });

  it('answers malformed bodies and wrong headers with 400, 406 and 415', async () => {
    const { handle } = await serve();
    const malformed = await post(handle.url, '{"jsonrpc": "2.0", ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.code).toBe(-32700);
    const notRpc = await post(handle.url, { hello: 'world' });
    expect(notRpc.status).toBe(400);
    expect(((await notRpc.json()) as any).error.code).toBe(-32600);
    const wrongType = await fetch(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', accept: POST_ACCEPT },
      body: initBody,
    });
    expect(wrongType.status).toBe(415);
    const wrongAccept = await fetch(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/html' },
      body: initBody,
    });
    expect(wrongAccept.status).toBe(406);
    const anyAccept = await fetch(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: initBody,
    });
    expect(anyAccept.status).toBe(200);
    const badVersion = await post(handle.url, initializeRequest(), {
      'mcp-protocol-version': '1999-01-01',
    });
    expect(badVersion.status).toBe(400);
    await Promise.all([wrongType, wrongAccept, anyAccept, badVersion].map((r) => r.body?.cancel()));
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    const { handle } = await serve();
    const unknown = await fetch(handle.url.replace('/mcp', '/nope'));
    expect(unknown.status).toBe(404);
    const put = await fetch(handle.url, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, DELETE');
    await Promise.all([unknown.body?.cancel(), put.body?.cancel()]);
  });

  it('answers a CORS preflight when cors is on', async () => {
    const { handle } = await serve({ cors: true });
    const origin = 'http://localhost:6274';
    const preflight = await fetch(handle.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-methods')).toBe(
      'GET, POST, DELETE, OPTIONS',
    );
    expect(preflight.headers.get('access-control-allow-headers')).toContain('mcp-session-id');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const init = await post(handle.url, initializeRequest(), { origin });
    expect(init.headers.get('access-control-expose-headers')).toBe('mcp-session-id');
    await init.body?.cancel();
  });

  it('rejects invalid options with INVALID_CONFIG', async () => {
    const target = countingFactory().factory;
    await expect(serveHttp(target, { path: 'mcp' })).rejects.toMatchObject({
      code: ProxyErrorCode.InvalidConfig,
    });
    await expect(serveHttp(target, { maxBodyBytes: 0 })).rejects.toBeInstanceOf(ProxyError);
    await expect(serveHttp(target, { ssePath: '/mcp' })).rejects.toThrow(/paths/);
  });
});
