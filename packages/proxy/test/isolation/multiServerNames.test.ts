import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createProxy, type ProxyServer } from '@org/proxy';
import { childPids, waitFor, workspaceStdioCommand } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory } from '../fixtures/fronts';
import { callJson } from './fixtures';

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

function twoWorkspaces(): ProxyServer {
  return createProxy({
    mcpServers: {
      notes: { ...workspaceStdioCommand('n'), stderr: 'ignore' },
      notes_more: { ...workspaceStdioCommand('m'), stderr: 'ignore' },
    },
  });
}

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  await proxy?.close();
  proxy = undefined;
  await waitFor(() => childPids(process.pid).length === 0, { timeoutMs: 10_000 });
});

describe('names in a multi-server proxy', () => {
  it('a name whose namespace matches no server gets a local error naming the servers', async () => {
    proxy = twoWorkspaces();
    const [a, b] = [await frontInMemory(proxy, {}, 'a'), await frontInMemory(proxy, {}, 'b')];
    fronts.push(a, b);
    await expect(a.client.callTool({ name: 'other_whoami', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining(
        "Unknown tool: other_whoami: its name starts with no server's namespace; the servers are notes (notes_), notes_more (notes_more_)",
      ),
    });
    await expect(b.client.readResource({ uri: 'note://elsewhere/x' })).rejects.toMatchObject({
      code: -32002,
      message: expect.stringContaining(
        "Resource not found: note://elsewhere/x: no server's namespace",
      ),
    });
    await expect(b.client.getPrompt({ name: 'nobody_brief' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Unknown prompt: nobody_brief'),
    });
  });

  it("an unknown name in a server's namespace goes to that server (the most specific namespace)", async () => {
    proxy = twoWorkspaces();
    const front = await frontInMemory(proxy);
    fronts.push(front);
    // notes_more_whoami is listed by notes_more; notes would have to guess "more_whoami".
    const more = await callJson<{ session: string }>(front.client, 'notes_more_whoami');
    expect(more.session).toMatch(/^m\d+$/);
    const notes = await callJson<{ session: string }>(front.client, 'notes_whoami');
    expect(notes.session).toMatch(/^n\d+$/);
    // Unlisted everywhere: notes_more (the longer namespace) answers it, as it would directly.
    const unknown = await front.client.callTool({ name: 'notes_more_nope', arguments: {} });
    expect(unknown).toMatchObject({ isError: true, content: [{ text: 'Unknown tool: nope' }] });
    const alsoUnknown = await front.client.callTool({ name: 'notes_nope', arguments: {} });
    expect(alsoUnknown).toMatchObject({ isError: true, content: [{ text: 'Unknown tool: nope' }] });
  });

  it("composes the servers' instructions under their names", async () => {
    proxy = twoWorkspaces();
    const front = await frontInMemory(proxy);
    fronts.push(front);
    const instructions = front.client.getInstructions() ?? '';
    expect(instructions).toMatch(
      /^## notes \(tools notes_\*\)\n\nWorkspace session n\d+: notes live in this session only\.\n\n## notes_more \(tools notes_more_\*\)\n\nWorkspace session m\d+: notes live in this session only\.$/,
    );
  });

  it("passes a client's roots change to its own backend sessions of every server, no other's", async () => {
    proxy = twoWorkspaces();
    const options = { capabilities: { roots: { listChanged: true } } };
    const [a, b] = [
      await frontInMemory(proxy, options, 'a'),
      await frontInMemory(proxy, options, 'b'),
    ];
    fronts.push(a, b);
    a.client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [] }));
    const changed = (front: Front, tool: string) =>
      callJson<{ rootsChanged: number }>(front.client, tool).then((s) => s.rootsChanged);
    // Open every backend session first: a roots change never opens one.
    for (const front of [a, b]) {
      expect(await changed(front, 'notes_state')).toBe(0);
      expect(await changed(front, 'notes_more_state')).toBe(0);
    }
    await a.client.sendRootsListChanged();
    await expect.poll(() => changed(a, 'notes_state'), { timeout: 5000 }).toBe(1);
    await expect.poll(() => changed(a, 'notes_more_state'), { timeout: 5000 }).toBe(1);
    expect(await changed(b, 'notes_state')).toBe(0);
    expect(await changed(b, 'notes_more_state')).toBe(0);
  });
});
