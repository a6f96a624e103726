#!/usr/bin/env node
// Serves the stateful workspace backend (src/workspaceServer.mjs) for tests:
//   workspaceServer.mjs stdio            one session over standard input and output
//   workspaceServer.mjs http [port]      streamable HTTP on 127.0.0.1 (port 0: any free one),
//                                         a session per client; prints `listening <url>` to stderr
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createWorkspaceServer } from '../src/workspaceServer.mjs';

const [mode = 'stdio', portText = '0'] = process.argv.slice(2);
const prefix = process.env.WORKSPACE_PREFIX ?? `w${process.pid}x`;
// A fixed label for every session (its notes' URIs then survive a restart of the server).
const label = process.env.WORKSPACE_LABEL || undefined;

if (mode === 'stdio') {
  const server = createWorkspaceServer({ prefix, label });
  await server.connect(new StdioServerTransport());
  process.stdin.on('end', () => process.exit(0));
} else if (mode === 'http') {
  const transports = new Map();
  const http = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? transports.get(id) : undefined;
    if (!transport) {
      if (id !== undefined || !body || !isInitializeRequest(body)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            id: null,
            error: { code: -32001, message: 'Session not found' },
          }),
        );
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sessionId) => transports.set(sessionId, transport),
      });
      const opened = transport;
      opened.onclose = () => {
        if (opened.sessionId) transports.delete(opened.sessionId);
      };
      await createWorkspaceServer({ prefix, label }).connect(opened);
    }
    await transport.handleRequest(req, res, body);
  });
  http.listen(Number(portText), '127.0.0.1', () => {
    const { port } = http.address();
    process.stderr.write(`listening http://127.0.0.1:${port}/mcp\n`);
  });
  const stop = () => http.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  process.stderr.write(`usage: workspaceServer.mjs stdio | http [port]\n`);
  process.exit(2);
}
