import { createServer } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { serveHttp } from '../src/server/index';

function echoServer() {
  const s = new McpServer({ name: 'echo', version: '1' });
  s.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  return s;
}

async function sdkServer(json: boolean) {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const server = createServer(async (req, res) => {
    const sid = req.headers['mcp-session-id'] as string | undefined;
    let t = sid ? transports.get(sid) : undefined;
    if (!t) {
      t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => crypto.randomUUID(), enableJsonResponse: json, onsessioninitialized: (id) => transports.set(id, t!) });
      await echoServer().connect(t);
    }
    await t.handleRequest(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as any).port;
  return { url: `http://127.0.0.1:${port}/mcp`, close: () => { server.closeAllConnections(); server.close(); } };
}

async function run(url: string, inFlight: number, durationMs: number) {
  const client = new Client({ name: 'b', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  let count = 0;
  const end = Date.now() + durationMs;
  const worker = async () => {
    while (Date.now() < end) {
      await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      count++;
    }
  };
  // warmup
  for (let i = 0; i < 200; i++) await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
  const start = Date.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const rate = Math.round((count * 1000) / (Date.now() - start));
  await client.close();
  return rate;
}

const which = process.argv[2];
const dur = Number(process.argv[3] ?? 3000);
let target: { url: string; close: () => unknown };
if (which === 'ours') {
  const h = await serveHttp(() => echoServer());
  target = { url: h.url, close: () => h.close() };
} else target = await sdkServer(which === 'sdk-json');
for (const n of [1, 16]) console.log(which, n, 'in flight:', await run(target.url, n, dur), 'calls/s');
await target.close();
