import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { workspaceServerScript } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../cli/cliProcess';

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE: \S+\)/;
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const BACKEND = ['--', process.execPath, workspaceServerScript(), 'stdio'];

/** A loopback OTLP/HTTP receiver that keeps the JSON bodies posted to /v1/traces. */
async function otlpReceiver(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, bodies };
}

let receiver: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  receiver = undefined;
});

describe('the CLI with --otel', () => {
  it('exports the spans of a call over OTLP/HTTP, flushed on SIGTERM', async () => {
    const otlp = await otlpReceiver();
    receiver = otlp.server;
    const cli = startCli(['--transport', 'http', '--otel', '--name', 'traced-proxy', ...BACKEND], {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Longer than the test: only the shutdown's flush can deliver the spans.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    const client = new Client({ name: 'cli-traces', version: '1.0.0' });
    try {
      const [, url] = await cli.waitForStderr(LISTENING);
      await client.connect(new StreamableHTTPClientTransport(new URL(url!)));
      await client.callTool({
        name: 'whoami',
        arguments: {},
        _meta: { traceparent: `00-${TRACE}-b7ad6b7169203331-01` },
      });
      expect(otlp.bodies).toEqual([]);
      await client.close();
      cli.child.kill('SIGTERM');
      const exit = await cli.waitForExit(15_000);
      expect(exit.code).toBe(0);
      const exported = otlp.bodies.join('\n');
      expect(exported).toContain(TRACE);
      expect(exported).toContain('"tools/call whoami"');
      expect(exported).toContain('traced-proxy');
      const spans = otlp.bodies.flatMap((body) =>
        (
          JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }
        ).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
      ) as { name: string; kind: number; traceId: string }[];
      const call = spans.filter((span) => span.name === 'tools/call whoami');
      // SERVER (2) front span and CLIENT (3) backend span, both in the caller's trace.
      expect(call.map((span) => span.kind).sort()).toEqual([2, 3]);
      expect(call.every((span) => span.traceId === TRACE)).toBe(true);
    } finally {
      await client.close().catch(() => {});
      await cli.stop();
    }
  });
});
