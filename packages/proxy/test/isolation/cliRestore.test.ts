import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { childPids, waitFor, workspaceServerScript } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../cli/cliProcess';
import { Inbox } from '../fixtures/fronts';

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE/;
const UPDATED = 'notifications/resources/updated';

const clis: CliProcess[] = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const cli of clis.splice(0)) await cli.stop();
});

async function clientOf(url: string, name: string): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  clients.push(client);
  return client;
}

describe('the CLI after its backend crashed', () => {
  it.each([['shared'], ['per-session']])(
    '%s: restores each client subscriptions on the new backend session, each getting its own updates',
    async (strategy) => {
      const started = startCli([
        ...['--transport', 'http', '--port', '0', '--log-level', 'info', '--strategy', strategy],
        // One label for every backend session: note URIs survive the restart.
        ...['--env', 'WORKSPACE_LABEL=fixed'],
        ...['--', process.execPath, workspaceServerScript(), 'stdio'],
      ]);
      clis.push(started);
      const [, url] = await started.waitForStderr(LISTENING);
      const [a, b] = [await clientOf(url!, 'a'), await clientOf(url!, 'b')];
      await a.subscribeResource({ uri: 'note://fixed/a' });
      await b.subscribeResource({ uri: 'note://fixed/b' });
      const children = childPids(started.pid);
      expect(children.length).toBe(strategy === 'shared' ? 1 : 2);
      for (const pid of children) process.kill(pid, 'SIGKILL');
      // Restored in the background, without a client request: one backend session with both
      // subscriptions (shared), or each client's own session with its one (per-session).
      const restored = /restored (\d) resource subscription/g;
      const count = () => [...started.stderr().matchAll(restored)].map((m) => Number(m[1]));
      await waitFor(() => count().reduce((sum, n) => sum + n, 0) === 2, { timeoutMs: 15_000 });
      expect(count()).toEqual(strategy === 'shared' ? [2] : [1, 1]);
      const inboxA = new Inbox(a, [UPDATED]);
      const inboxB = new Inbox(b, [UPDATED]);
      await a.callTool({ name: 'note_set', arguments: { name: 'a', text: '1' } });
      await inboxA.waitFor(UPDATED);
      await b.callTool({ name: 'note_set', arguments: { name: 'b', text: '2' } });
      await inboxB.waitFor(UPDATED);
      if (strategy === 'shared') {
        // One backend session: a change made by B to A's note reaches A only.
        await b.callTool({ name: 'note_set', arguments: { name: 'a', text: '3' } });
        await inboxA.waitFor(UPDATED, 2);
      }
      expect(inboxA.received.every((n) => n.params?.uri === 'note://fixed/a')).toBe(true);
      expect(inboxB.received.every((n) => n.params?.uri === 'note://fixed/b')).toBe(true);
      expect(inboxB.count(UPDATED)).toBe(1);
      expect(childPids(started.pid).every((pid) => !children.includes(pid))).toBe(true);
    },
  );
});
