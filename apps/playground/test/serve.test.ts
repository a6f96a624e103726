import { Client, StreamableHTTPClientTransport } from '@org/proxy';
import { isPidAlive, waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { startPlayground, waitForOutput } from './playgroundProcess';

describe('the playground with --serve', () => {
  it('serves the proxy at the URL it prints until SIGTERM, then exits 0', async () => {
    const playground = startPlayground(['--serve', '--port', '0']);
    const client = new Client({ name: 'serve-test', version: '1.0.0' });
    try {
      await waitForOutput(playground, /Press Ctrl\+C to stop/, 20_000);
      const url = /http:\/\/127\.0\.0\.1:\d+\/mcp/.exec(playground.output.stdout)?.[0] ?? '';
      expect(playground.output.stdout).toContain('npx @modelcontextprotocol/inspector');
      expect(playground.output.stdout).toContain(`"Streamable HTTP", URL ${url}`);
      const dashboard = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/dashboard\/)/.exec(
        playground.output.stdout,
      )?.[1];
      expect(dashboard).toBe(new URL('/dashboard/', url).href);
      const page = await fetch(dashboard!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('MCP proxy dashboard');

      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['weather_forecast', 'files_read_file']));
      const info = await client.callTool({ name: 'files_process_info', arguments: {} });
      const backendPid = Number((info.structuredContent as { pid: number }).pid);
      expect((info.structuredContent as { parentPid: number }).parentPid).toBe(
        playground.child.pid,
      );
      await client.close();

      playground.child.kill('SIGTERM');
      const finished = await playground.exited;
      expect(finished.code).toBe(0);
      expect(finished.stdout).toContain('Stopped.');
      await waitFor(() => !isPidAlive(backendPid), {
        what: `stdio backend ${backendPid} to be gone`,
      });
    } finally {
      await client.close().catch(() => undefined);
      if (playground.child.exitCode === null && playground.child.signalCode === null) {
        playground.child.kill('SIGKILL');
        await playground.exited;
      }
    }
  });
});
