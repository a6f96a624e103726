import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { startWorkspaceHttp, type WorkspaceHttp, workspaceServerScript } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../cli/cliProcess';
import { callJson } from './fixtures';

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE/;
const STDIO_WORKSPACE = ['--', process.execPath, workspaceServerScript(), 'stdio'];

const clis: CliProcess[] = [];
const clients: Client[] = [];
const backends: WorkspaceHttp[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const cli of clis.splice(0)) await cli.stop();
  for (const backend of backends.splice(0)) await backend.stop();
});

async function proxyUrl(args: string[]): Promise<string> {
  const cli = startCli(['--transport', 'http', '--port', '0', '--log-level', 'warn', ...args]);
  clis.push(cli);
  const [, url] = await cli.waitForStderr(LISTENING);
  return url!;
}

async function clientOf(
  url: string,
  name: string,
  capabilities: Record<string, unknown>,
  prepare: (client: Client) => void,
): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' }, { capabilities });
  prepare(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  clients.push(client);
  return client;
}

const later = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('forwarding through the CLI', () => {
  it('--timeout 300: elicitations answered after 700 ms succeed, each client answering its own', async () => {
    const url = await proxyUrl(['--timeout', '300', ...STDIO_WORKSPACE]);
    const answering = (name: string) => (client: Client) =>
      client.setRequestHandler(ElicitRequestSchema, () =>
        // Past the request timeout on purpose: the proxy must not cut the call meanwhile.
        later(700, { action: 'accept' as const, content: { name } }),
      );
    const [alice, bob] = await Promise.all([
      clientOf(url, 'alice', { elicitation: {} }, answering('alice')),
      clientOf(url, 'bob', { elicitation: {} }, answering('bob')),
    ]);
    const [fromAlice, fromBob] = await Promise.all([
      callJson<{ answer: { content: { name: string } } }>(alice, 'ask'),
      callJson<{ answer: { content: { name: string } } }>(bob, 'ask'),
    ]);
    expect(fromAlice.answer.content.name).toBe('alice');
    expect(fromBob.answer.content.name).toBe('bob');
    // A call that waits on nothing still times out at 300 ms.
    const silent = await alice.callTool({
      name: 'tick',
      arguments: { steps: 1, intervalMs: 2000 },
    });
    expect(silent).toMatchObject({
      isError: true,
      content: [{ text: expect.stringMatching(/did not answer tools\/call tick within 300 ms/) }],
    });
  });

  it('--strategy shared: a sampling client is answered, one without sampling is refused clearly', async () => {
    const backend = await startWorkspaceHttp();
    backends.push(backend);
    const url = await proxyUrl(['--strategy', 'shared', backend.url]);
    // The first client has no sampling: the shared backend session must still be told it.
    const plain = await clientOf(url, 'plain', {}, () => {});
    const sampler = await clientOf(url, 'sampler', { sampling: {} }, (client) =>
      client.setRequestHandler(CreateMessageRequestSchema, async () => ({
        role: 'assistant' as const,
        content: { type: 'text' as const, text: 'from the sampler' },
        model: 'sampler-model',
      })),
    );
    const [refused, sampled] = await Promise.all([
      callJson<{ error: { code: number; message: string } }>(plain, 'sample', { catch: true }),
      callJson<{ answer: { model: string } }>(sampler, 'sample'),
    ]);
    expect(sampled.answer.model).toBe('sampler-model');
    expect(refused.error.code).toBe(-32600);
    expect(refused.error.message).toContain('client "plain" does not support sampling');
    expect(refused.error.message.match(/MCP error/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('--max-total-timeout cuts a call that keeps reporting progress', async () => {
    const url = await proxyUrl([
      '--timeout',
      '300',
      '--max-total-timeout',
      '900',
      ...STDIO_WORKSPACE,
    ]);
    const client = await clientOf(url, 'c', {}, () => {});
    // Progress every 100 ms keeps it past the 300 ms timeout, until the total of 900 ms.
    const cut = await client.callTool(
      { name: 'tick', arguments: { steps: 30, intervalMs: 100 } },
      undefined,
      { onprogress: () => {}, timeout: 10_000 },
    );
    expect(cut).toMatchObject({ isError: true });
    expect(JSON.stringify(cut.content)).toMatch(/900 ms/);
    const short = await callJson<{ steps: number }>(client, 'tick', { steps: 4, intervalMs: 100 });
    expect(short.steps).toBe(4);
  });
});
