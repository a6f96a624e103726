import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  createProxy,
  defineTool,
  type HttpServerHandle,
  ProviderServer,
  type ProxyServer,
  serveHttp,
} from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';

const handles: HttpServerHandle[] = [];
const closers: Array<() => Promise<void>> = [];
let proxy: ProxyServer | undefined;

function headersBackend(): ProviderServer {
  const server = new ProviderServer({ name: 'headers' });
  server.add(
    defineTool({
      name: 'headers',
      description: 'The HTTP headers of the request that opened this backend session',
      handler: (_args, context) => ({ headers: { ...context?.httpHeaders } }),
    }),
  );
  return server;
}

/** Serves a proxy of an HTTP backend over HTTP and calls `headers` with `sent` headers. */
async function backendSees(sent: Record<string, string>, forwardHeaders?: string[]) {
  const backend = await serveHttp(headersBackend(), { port: 0 });
  handles.push(backend);
  proxy = createProxy(backend.url, forwardHeaders ? { forwardHeaders } : {});
  const front = await serveHttp(proxy, { port: 0 });
  handles.push(front);
  const transport = new StreamableHTTPClientTransport(new URL(front.url), {
    requestInit: { headers: sent },
  });
  const client = new Client({ name: 'front', version: '1.0.0' });
  await client.connect(transport);
  closers.push(async () => {
    await transport.terminateSession().catch(() => {});
    await client.close();
  });
  const result = await client.callTool({ name: 'headers', arguments: {} });
  return (result.structuredContent as { headers: Record<string, string> }).headers;
}

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await proxy?.close();
  proxy = undefined;
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
});

describe('headers of the front request', () => {
  it('are not passed to an HTTP backend unless listed', async () => {
    const seen = await backendSees({ authorization: 'Bearer secret-token', 'x-custom': 'v1' });
    expect(seen).not.toHaveProperty('x-custom');
    expect(JSON.stringify(seen)).not.toContain('secret-token');
  });

  it('are passed to an HTTP backend when listed, and only those', async () => {
    const seen = await backendSees(
      { authorization: 'Bearer secret-token', 'x-custom': 'v1', 'x-other': 'no' },
      ['X-Custom'],
    );
    expect(seen['x-custom']).toBe('v1');
    expect(seen).not.toHaveProperty('x-other');
    expect(JSON.stringify(seen)).not.toContain('secret-token');
  });
});
