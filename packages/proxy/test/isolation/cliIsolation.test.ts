import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startWorkspaceHttp, type WorkspaceHttp, workspaceServerScript } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../cli/cliProcess';
import { callJson, labelOf, toolNames } from './fixtures';

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE/;
const STDIO_WORKSPACE = ['--', process.execPath, workspaceServerScript(), 'stdio'];

const clis: CliProcess[] = [];
const backends: WorkspaceHttp[] = [];
const clients: Client[] = [];

async function proxyUrl(args: string[]): Promise<string> {
  const cli = startCli(['--transport', 'http', '--port', '0', '--log-level', 'warn', ...args]);
  clis.push(cli);
  const [, url] = await cli.waitForStderr(LISTENING);
  return url!;
}

async function clientOf(url: string, name: string, headers: Record<string, string> = {}) {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
  );
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const cli of clis.splice(0)) await cli.stop();
  for (const backend of backends.splice(0)) await backend.stop();
});

describe('the CLI keeps clients apart', () => {
  it('per-session (the default): two HTTP clients each list their own stdio backend session', async () => {
    const url = await proxyUrl(STDIO_WORKSPACE);
    const [a, b] = await Promise.all([clientOf(url, 'a'), clientOf(url, 'b')]);
    const [labelA, labelB] = await Promise.all([labelOf(a), labelOf(b)]);
    expect(labelA).not.toBe(labelB);
    const [toolsA, toolsB] = await Promise.all([toolNames(a), toolNames(b)]);
    expect(toolsA).toContain(`only_${labelA}`);
    expect(toolsA).not.toContain(`only_${labelB}`);
    expect(toolsB).toContain(`only_${labelB}`);
    expect(toolsB).not.toContain(`only_${labelA}`);
  });

  it('--cache-scope shared makes them share the first list', async () => {
    const url = await proxyUrl(['--cache-scope', 'shared', ...STDIO_WORKSPACE]);
    const a = await clientOf(url, 'a');
    const listed = await toolNames(a);
    const b = await clientOf(url, 'b');
    expect(await toolNames(b)).toEqual(listed);
  });

  it('--strategy shared --forward-header authorization sends each request its own client credential', async () => {
    const backend = await startWorkspaceHttp();
    backends.push(backend);
    const url = await proxyUrl([
      ...[
        '--strategy',
        'shared',
        '--forward-header',
        'authorization',
        '--forward-header',
        'x-user',
      ],
      backend.url,
    ]);
    const alice = await clientOf(url, 'alice', {
      authorization: 'Bearer alice',
      'x-user': 'alice',
    });
    const bob = await clientOf(url, 'bob', { authorization: 'Bearer bob' });
    // Interleaved, concurrent calls on the one shared backend session.
    const seen = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        callJson<{ session: string; authorization: string | null; user: string | null }>(
          index % 2 === 0 ? alice : bob,
          'whoami',
        ),
      ),
    );
    expect(new Set(seen.map((s) => s.session)).size).toBe(1);
    seen.forEach((s, index) => {
      if (index % 2 === 0)
        expect(s).toMatchObject({ authorization: 'Bearer alice', user: 'alice' });
      // Bob sent no x-user: Alice's is not carried over.
      else expect(s).toMatchObject({ authorization: 'Bearer bob', user: null });
    });
    const anonymous = await clientOf(url, 'anonymous');
    expect(await callJson(anonymous, 'whoami')).toMatchObject({ authorization: null, user: null });
  });

  it('per-session with a forwarded header: a client that changes its token sends the new one', async () => {
    const backend = await startWorkspaceHttp();
    backends.push(backend);
    const url = await proxyUrl(['--forward-header', 'authorization', backend.url]);
    let token = 'Bearer first';
    const client = new Client({ name: 'rotating', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        fetch: (input, init) => {
          const headers = new Headers(init?.headers);
          headers.set('authorization', token);
          return fetch(input, { ...init, headers });
        },
      }),
    );
    clients.push(client);
    const before = await callJson<{ session: string; authorization: string }>(client, 'whoami');
    token = 'Bearer second';
    const after = await callJson<{ session: string; authorization: string }>(client, 'whoami');
    expect(before).toMatchObject({ authorization: 'Bearer first' });
    expect(after).toMatchObject({ session: before.session, authorization: 'Bearer second' });
  });
});
