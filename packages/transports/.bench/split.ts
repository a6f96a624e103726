import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { serveHttp } from '../src/server/index';

function echoServer() {
  const s = new McpServer({ name: 'echo', version: '1' });
  s.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  return s;
}
const mode = process.argv[2];
if (mode === 'server') {
  const h = await serveHttp(() => echoServer(), { port: Number(process.argv[3]) });
  console.log(h.url);
  process.on('SIGTERM', async () => { await h.close(); process.exit(0); });
} else {
  const url = process.argv[3]!;
  const dur = Number(process.argv[4] ?? 3000);
  for (const n of [1, 16]) {
    const client = new Client({ name: 'b', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    for (let i = 0; i < 300; i++) await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    let count = 0; const end = Date.now() + dur; const start = Date.now();
    await Promise.all(Array.from({ length: n }, async () => { while (Date.now() < end) { await client.callTool({ name: 'echo', arguments: { text: 'hi' } }); count++; } }));
    console.log(n, 'in flight:', Math.round(count * 1000 / (Date.now() - start)), 'calls/s');
    await client.close();
  }
}
