import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { waitFor, workspaceServerScript } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { startCli } from '../cli/cliProcess';
import { openSse } from './dashboardFixtures';

const TOKEN = 'cli-dashboard-token-3131';
const BACKEND = ['--', process.execPath, workspaceServerScript(), 'stdio'];

describe('the CLI dashboard', () => {
  it('serves /dashboard/ behind the token with --dashboard and prints its URL', async () => {
    const cli = startCli([
      ...['--transport', 'http', '--port', '0', '--dashboard', '--auth-token', TOKEN],
      ...BACKEND,
    ]);
    const client = new Client({ name: 'cli-dashboard', version: '1.0.0' });
    try {
      const [, url] = await cli.waitForStderr(/Dashboard at (http:\/\/\S+)/);
      const [, mcpUrl] = await cli.waitForStderr(/Proxy listening on (http:\/\/\S+) \(SSE/);
      expect(new URL(url!).pathname).toBe('/dashboard/');
      expect(new URL(url!).origin).toBe(new URL(mcpUrl!).origin);
      const anonymous = await fetch(url!, { redirect: 'manual' });
      expect(anonymous.status).toBe(303);
      const page = await fetch(url!, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('MCP proxy dashboard');
      const stream = await openSse(`${url}events`, { authorization: `Bearer ${TOKEN}` });
      expect(stream.status).toBe(200);
      await client.connect(
        new StreamableHTTPClientTransport(new URL(mcpUrl!), {
          requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
        }),
      );
      await client.callTool({ name: 'whoami', arguments: {} });
      await waitFor(
        () =>
          stream.events.some(
            (e) => e.event === 'call' && JSON.parse(e.data).call.name === 'whoami',
          ),
        { timeoutMs: 10_000 },
      );
      stream.close();
      await client.close();
      cli.child.kill('SIGTERM');
      const exit = await cli.waitForExit(15_000);
      expect(exit.code).toBe(0);
    } finally {
      await client.close().catch(() => {});
      await cli.stop();
    }
  });

  it('refuses --dashboard with the stdio front', async () => {
    const cli = startCli(['--dashboard', ...BACKEND]);
    try {
      const exit = await cli.waitForExit(15_000);
      expect(exit.code).not.toBe(0);
      expect(cli.stderr()).toMatch(/dashboard/);
    } finally {
      await cli.stop();
    }
  });
});
