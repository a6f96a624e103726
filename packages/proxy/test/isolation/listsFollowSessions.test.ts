import { createProxy, type ProxyServer } from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory, Inbox } from '../fixtures/fronts';
import { callJson, labelOf, toolNames, workspaceTarget } from './fixtures';

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

async function connect(server: ProxyServer, count: number): Promise<Front[]> {
  const made = await Promise.all(
    Array.from({ length: count }, (_, index) => frontInMemory(server, {}, `front-${index}`)),
  );
  fronts.push(...made);
  return made;
}

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  await proxy?.close();
  proxy = undefined;
});

describe('with per-session, each front session sees its own backend session', () => {
  it('lists only its own tools, resources, templates and prompts, and can use all of them', async () => {
    proxy = createProxy(workspaceTarget().server);
    const [a, b, c] = await connect(proxy, 3);
    const labels = await Promise.all([a!, b!, c!].map((front) => labelOf(front.client)));
    expect(new Set(labels).size).toBe(3);
    for (const [index, front] of [a!, b!, c!].entries()) {
      const own = labels[index]!;
      const others = labels.filter((label) => label !== own);
      const tools = await toolNames(front.client);
      expect(tools).toContain(`only_${own}`);
      for (const other of others) expect(tools).not.toContain(`only_${other}`);
      const prompts = (await front.client.listPrompts()).prompts.map((p) => p.name);
      expect(prompts).toEqual([`brief_${own}`]);
      const templates = (await front.client.listResourceTemplates()).resourceTemplates;
      expect(templates.map((t) => t.uriTemplate)).toEqual([`note://${own}/{name}`]);
      const called = await front.client.callTool({ name: `only_${own}`, arguments: {} });
      expect(called.content).toEqual([{ type: 'text', text: own }]);
      const rendered = await front.client.getPrompt({
        name: `brief_${own}`,
        arguments: { topic: 'cache' },
      });
      expect(rendered.messages[0]?.content).toEqual({ type: 'text', text: `${own} on cache` });
    }
  });

  it("a resource one session adds is listed and readable there, and never appears in another's list", async () => {
    proxy = createProxy(workspaceTarget().server);
    const [a, b] = await connect(proxy, 2);
    const [labelA, labelB] = [await labelOf(a!.client), await labelOf(b!.client)];
    // Both lists are cached before anything changes.
    await a!.client.listResources();
    await b!.client.listResources();
    const inboxA = new Inbox(a!.client, ['notifications/resources/list_changed']);
    const inboxB = new Inbox(b!.client, ['notifications/resources/list_changed']);
    await a!.client.callTool({ name: 'note_add', arguments: { name: 'todo', text: 'from A' } });
    await b!.client.callTool({ name: 'note_add', arguments: { name: 'todo', text: 'from B' } });
    await inboxA.waitFor('notifications/resources/list_changed');
    await inboxB.waitFor('notifications/resources/list_changed');
    const urisA = (await a!.client.listResources()).resources.map((r) => r.uri);
    const urisB = (await b!.client.listResources()).resources.map((r) => r.uri);
    expect(urisA).toEqual([`session://${labelA}`, `note://${labelA}/todo`]);
    expect(urisB).toEqual([`session://${labelB}`, `note://${labelB}/todo`]);
    const readB = await b!.client.readResource({ uri: `note://${labelB}/todo` });
    expect(readB.contents[0]).toMatchObject({ text: 'from B' });
    // Each session heard of its own change only.
    expect(inboxA.count('notifications/resources/list_changed')).toBe(1);
    expect(inboxB.count('notifications/resources/list_changed')).toBe(1);
  });

  it("another session's name goes to the session's own backend, which answers as it would directly", async () => {
    proxy = createProxy(workspaceTarget().server);
    const [a, b] = await connect(proxy, 2);
    const labelB = await labelOf(b!.client);
    await a!.client.listTools();
    const result = await a!.client.callTool({ name: `only_${labelB}`, arguments: {} });
    expect(result).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: `Unknown tool: only_${labelB}` }],
    });
    await expect(a!.client.readResource({ uri: `session://${labelB}` })).rejects.toMatchObject({
      code: -32002,
    });
  });

  it('releases the cached lists of a session when it ends', async () => {
    proxy = createProxy(workspaceTarget().server);
    const provider = proxy.proxyProviders[0]!;
    const [a, b] = await connect(proxy, 2);
    await a!.client.listTools();
    await a!.client.listPrompts();
    await b!.client.listTools();
    expect(provider.cache.size).toBe(3);
    await a!.close();
    fronts.splice(fronts.indexOf(a!), 1);
    await expect.poll(() => provider.cache.size, { timeout: 5000 }).toBe(1);
  });

  it("with cacheScope 'shared', sessions share one list: FastMCP's way, wrong for such a backend", async () => {
    proxy = createProxy(workspaceTarget().server, { cacheScope: 'shared' });
    const [a, b] = await connect(proxy, 2);
    const labelA = await labelOf(a!.client);
    const labelB = await labelOf(b!.client);
    const listedByA = await toolNames(a!.client);
    expect(listedByA).toContain(`only_${labelA}`);
    // B is served A's list: its own tool is missing, A's is there.
    const listedByB = await toolNames(b!.client);
    expect(listedByB).toEqual(listedByA);
    expect(listedByB).not.toContain(`only_${labelB}`);
  });
});

describe('with per-request and shared, lists are shared', () => {
  it('under shared, every front sees the one backend session', async () => {
    const target = workspaceTarget();
    proxy = createProxy(target.server, { strategy: 'shared' });
    const [a, b] = await connect(proxy, 2);
    expect(await labelOf(a!.client)).toBe(await labelOf(b!.client));
    expect(await toolNames(a!.client)).toEqual(await toolNames(b!.client));
    expect(target.labels).toHaveLength(1);
  });

  it('under per-request, a list is fetched once for every front within the TTL', async () => {
    const target = workspaceTarget();
    proxy = createProxy(target.server, { strategy: 'per-request' });
    const [a, b] = await connect(proxy, 2);
    await a!.client.listTools();
    const opened = target.labels.length;
    await b!.client.listTools();
    expect(target.labels.length).toBe(opened);
    // Calls still get a fresh backend session each.
    const first = await callJson<{ session: string }>(a!.client, 'whoami');
    const second = await callJson<{ session: string }>(b!.client, 'whoami');
    expect(first.session).not.toBe(second.session);
  });
});
