import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { everythingServerScript } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { startCli } from './cliProcess';

const BACKEND = ['--', process.execPath, everythingServerScript(), 'stdio'];
/** A backend quick to spawn. */
const ECHO_BACKEND = [
  '--',
  process.execPath,
  fileURLToPath(new URL('../reliability/fixtures/echoBackend.mjs', import.meta.url)),
];
const LISTENING = /Proxy listening on (http:\/\/\S+) \((SSE|streamable HTTP): (http:\/\/\S+)\)/;

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 't', version: '1' },
  },
};

async function echoThrough(client: Client, message: string): Promise<string[]> {
  const { tools } = await client.listTools();
  const result = await client.callTool({ name: 'echo', arguments: { message } });
  expect(JSON.stringify(result.content)).toContain(message);
  return tools.map((tool) => tool.name);
}

describe('CLI with the HTTP front', () => {
  it('serves streamable HTTP on a free port and prints the URL to stderr', async () => {
    const cli = startCli(['--transport', 'http', '--port', '0', ...BACKEND]);
    const client = new Client({ name: 'cli-http', version: '1.0.0' });
    try {
      const [, url, kind, sseUrl] = await cli.waitForStderr(LISTENING);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      expect(kind).toBe('SSE');
      expect(sseUrl).toBe(url!.replace(/\/mcp$/, '/sse'));
      await client.connect(new StreamableHTTPClientTransport(new URL(url!)));
      expect(await echoThrough(client, 'over http')).toContain('echo');
    } finally {
      await client.close();
      await cli.stop();
    }
  });

  it('serves on --host and --path, statelessly with --stateless', async () => {
    const cli = startCli([
      ...['--transport', 'http', '--host', 'localhost', '--path', '/gateway', '--stateless'],
      // One backend session for all: otherwise each stateless request spawns a backend.
      ...['--strategy', 'shared'],
      ...ECHO_BACKEND,
    ]);
    const client = new Client({ name: 'cli-stateless', version: '1.0.0' });
    try {
      const [, url] = await cli.waitForStderr(LISTENING);
      expect(url).toMatch(/^http:\/\/localhost:\d+\/gateway$/);
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      };
      const post = (body: unknown) =>
        fetch(url!, { method: 'POST', headers, body: JSON.stringify(body) });
      const initialized = await post(INITIALIZE);
      expect(initialized.status).toBe(200);
      // Stateless: no session is made, and a request needs none.
      expect(initialized.headers.get('mcp-session-id')).toBeNull();
      await initialized.text();
      const listed = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      expect(listed.status).toBe(200);
      expect(await listed.text()).toContain('"echo"');
      const elsewhere = await fetch(url!.replace(/\/gateway$/, '/mcp'), {
        method: 'POST',
        headers,
        body: JSON.stringify(INITIALIZE),
      });
      expect(elsewhere.status).toBe(404);
      await elsewhere.body?.cancel();
      await client.connect(new StreamableHTTPClientTransport(new URL(url!)));
      const echoed = await client.callTool({ name: 'echo', arguments: { text: 'stateless' } });
      expect(echoed.content).toEqual([{ type: 'text', text: 'stateless' }]);
    } finally {
      await client.close();
      await cli.stop();
    }
  });

  it('announces the SSE URL with --transport sse and serves legacy SSE clients', async () => {
    const cli = startCli(['--transport', 'sse', '--path', '/events', ...BACKEND]);
    const client = new Client({ name: 'cli-sse', version: '1.0.0' });
    try {
      const [, sseUrl, kind] = await cli.waitForStderr(LISTENING);
      expect(kind).toBe('streamable HTTP');
      expect(sseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/events$/);
      await client.connect(new SSEClientTransport(new URL(sseUrl!)));
      expect(await echoThrough(client, 'over sse')).toContain('echo');
    } finally {
      await client.close();
      await cli.stop();
    }
  });

  it('answers 401 without the --auth-token and serves a client that sends it', async () => {
    const cli = startCli(['--transport', 'http', '--auth-token', 'test-token', ...BACKEND]);
    const client = new Client({ name: 'cli-auth', version: '1.0.0' });
    try {
      const [, url] = await cli.waitForStderr(LISTENING);
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      };
      const denied = await fetch(url!, {
        method: 'POST',
        headers,
        body: JSON.stringify(INITIALIZE),
      });
      expect(denied.status).toBe(401);
      await denied.body?.cancel();
      const wrong = await fetch(url!, {
        method: 'POST',
        headers: { ...headers, authorization: 'Bearer wrong' },
        body: JSON.stringify(INITIALIZE),
      });
      expect(wrong.status).toBe(401);
      await wrong.body?.cancel();
      const transport = new StreamableHTTPClientTransport(new URL(url!), {
        requestInit: { headers: { authorization: 'Bearer test-token' } },
      });
      await client.connect(transport);
      expect(await echoThrough(client, 'with token')).toContain('echo');
      expect(cli.stderr()).not.toContain('test-token');
    } finally {
      await client.close();
      await cli.stop();
    }
  });

  it('exits 2 with a one-line error naming the address when the port is taken', async () => {
    const first = startCli(['--transport', 'http', ...BACKEND]);
    try {
      const [, url] = await first.waitForStderr(LISTENING);
      const port = new URL(url!).port;
      const second = startCli(['--transport', 'http', '--port', port, ...BACKEND]);
      try {
        const exit = await second.waitForExit(10_000);
        expect(exit.code).toBe(2);
        expect(second.stderr()).toContain(
          `org-mcp-proxy: HTTP server cannot listen on: 127.0.0.1:${port} (EADDRINUSE)`,
        );
        expect(second.stderr()).not.toMatch(/^\s+at\s/m);
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });
});
