import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createProxy, type ProxyServer } from '@org/proxy';
import { createWorkspaceServer } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory, Inbox } from '../fixtures/fronts';
import { labelOf, workspaceTarget } from './fixtures';

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  await proxy?.close();
  proxy = undefined;
});

/** What a request answered or failed with, comparable across connections. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { result: await run() };
  } catch (error) {
    if (!(error instanceof McpError)) throw error;
    return { code: error.code, message: error.message };
  }
}

async function proxiedAndDirect(): Promise<{ proxied: Front; direct: Front }> {
  proxy = createProxy(workspaceTarget('same').server);
  // Both reach a backend session labelled 'same1' (the first of its process-wide counter
  // would differ), so answers that name the session compare.
  const proxied = await frontInMemory(proxy, {}, 'proxied');
  const direct = await frontInMemory(createWorkspaceServer({ prefix: 'same' }), {}, 'direct');
  fronts.push(proxied, direct);
  return { proxied, direct };
}

describe('a name the proxy does not know, in a single-backend proxy', () => {
  it('fails exactly as it fails directly, for every kind of request', async () => {
    const { proxied, direct } = await proxiedAndDirect();
    const label = (await labelOf(proxied.client)).replace(/\d+$/, '');
    expect(label).toBe('same');
    const requests: Array<(front: Front) => Promise<unknown>> = [
      (f) => f.client.callTool({ name: 'no_such_tool', arguments: {} }),
      (f) => f.client.readResource({ uri: 'nowhere://x' }),
      (f) => f.client.getPrompt({ name: 'no_such_prompt' }),
      (f) =>
        f.client.complete({
          ref: { type: 'ref/prompt', name: 'no_such_prompt' },
          argument: { name: 'topic', value: 'ca' },
        }),
      (f) =>
        f.client.complete({
          ref: { type: 'ref/resource', uri: 'nowhere://{id}' },
          argument: { name: 'id', value: '4' },
        }),
    ];
    for (const request of requests) {
      const [throughProxy, straight] = [
        await outcome(() => request(proxied)),
        await outcome(() => request(direct)),
      ];
      // The backend labels answers with its session: strip the number, which differs. An SDK
      // server sends an McpError's message with its `MCP error <code>: ` prefix, which the
      // client then adds again; the proxy relays it once (the only difference allowed).
      const normal = (value: unknown) =>
        JSON.stringify(value)
          .replace(/same\d+/g, 'same')
          .replace(/(MCP error -?\d+: )(?:MCP error -?\d+: )+/g, '$1');
      expect(normal(throughProxy)).toBe(normal(straight));
    }
  });

  it('subscribes to a URI the backend never listed, and delivers its updates to that session only', async () => {
    proxy = createProxy(workspaceTarget().server);
    const a = await frontInMemory(proxy, {}, 'a');
    const b = await frontInMemory(proxy, {}, 'b');
    fronts.push(a, b);
    const labelA = await labelOf(a.client);
    const uri = `note://${labelA}/later`;
    expect((await a.client.listResources()).resources.map((r) => r.uri)).not.toContain(uri);
    await a.client.subscribeResource({ uri });
    const inboxA = new Inbox(a.client, ['notifications/resources/updated']);
    const inboxB = new Inbox(b.client, ['notifications/resources/updated']);
    await a.client.callTool({ name: 'note_set', arguments: { name: 'later', text: 'now' } });
    await inboxA.waitFor('notifications/resources/updated');
    expect(inboxA.received[0]?.params).toEqual({ uri });
    expect(inboxB.count('notifications/resources/updated')).toBe(0);
    await a.client.unsubscribeResource({ uri });
  });

  it('a local component wins over an unlisted backend one', async () => {
    const { defineTool } = await import('@org/proxy');
    proxy = createProxy(workspaceTarget().server);
    proxy.add(defineTool({ name: 'local_only', handler: () => 'from the proxy' }));
    const front = await frontInMemory(proxy);
    fronts.push(front);
    const result = await front.client.callTool({ name: 'local_only', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'from the proxy' }]);
  });
});
