import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createProxy, type PolicyEvent, type ProxyServer } from '@org/proxy';
import { type Issuer, startIssuer, workspaceStdioCommand } from '@org/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, toolNames } from '../isolation/fixtures';
import { Cleanup } from '../reliability/fixtures/harness';
import { connectAs, serveOAuthFront } from './oauthFront';

// Promise: a config's `policy` decides, per caller (the principal of the OAuth front), which
// servers and components it sees and may call. Lists are filtered per caller, a hidden tool or
// server fails exactly as one that does not exist, and rate limits count per caller.

const cleanup = new Cleanup();
let issuer: Issuer;
let proxy: ProxyServer;
let url: string;
const events: PolicyEvent[] = [];

beforeAll(async () => {
  issuer = cleanup.add(
    await startIssuer(['alice', 'bob', 'carol'], ['mcp:tools', 'mcp:admin']),
    (i) => i.close(),
  );
  proxy = cleanup.add(
    createProxy({
      mcpServers: { alpha: workspaceStdioCommand('a'), beta: workspaceStdioCommand('b') },
      policy: {
        rules: [
          { match: { scopes: ['mcp:admin'] }, allow: ['*'] },
          {
            match: { subjects: ['bob'] },
            allow: ['alpha/whoami', 'alpha/state', 'alpha/note_*', 'alpha/uri:note://*'],
            deny: ['alpha/note_set'],
          },
        ],
        rateLimits: [{ tools: ['alpha/whoami'], capacity: 2, refillPerSecond: 0.01 }],
      },
    }),
    (p) => p.close(),
  );
  proxy.observer.on('policy', (event) => events.push(event));
  url = await serveOAuthFront(proxy, issuer, cleanup);
});

afterAll(() => cleanup.run());

/** A client of the proxy authenticated as `clientId` with `scope`. */
async function as(clientId: string, scope: string): Promise<Client> {
  return (await connectAs(url, issuer, cleanup, clientId, scope)).client;
}

/** The JSON-RPC error a call fails with, its code and its message with `name` replaced. */
async function failure(client: Client, name: string): Promise<{ code: number; message: string }> {
  const error = await client.callTool({ name, arguments: {} }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `${name} should fail`).toBeInstanceOf(McpError);
  const { code, message } = error as McpError;
  return { code, message: message.replaceAll(name, '<name>') };
}

describe('a policy per principal', () => {
  it('filters each caller its own lists, at once', async () => {
    const [alice, bob, carol] = await Promise.all([
      as('alice', 'mcp:tools mcp:admin'),
      as('bob', 'mcp:tools'),
      as('carol', 'mcp:tools'),
    ]);
    const [all, bobs, carols] = await Promise.all([
      toolNames(alice),
      toolNames(bob),
      toolNames(carol),
    ]);
    expect(all).toEqual(
      expect.arrayContaining(['alpha_whoami', 'alpha_note_set', 'beta_whoami', 'beta_state']),
    );
    expect([...bobs].sort()).toEqual(['alpha_note_add', 'alpha_state', 'alpha_whoami']);
    expect(carols).toEqual([]);
    expect((await carol.listPrompts()).prompts).toEqual([]);
    expect((await carol.listResourceTemplates()).resourceTemplates).toEqual([]);
    expect((await alice.listPrompts()).prompts.length).toBeGreaterThan(0);
  });

  it('fails a hidden tool or server exactly as one that does not exist', async () => {
    const bob = await as('bob', 'mcp:tools');
    // A hidden tool of a server bob sees, and a tool that is nowhere.
    const hidden = await failure(bob, 'alpha_note_set');
    const missing = await failure(bob, 'alpha_no_such_tool');
    expect(hidden).toEqual(missing);
    expect(hidden.code).toBe(-32602);
    // A server bob sees nothing of, and one that does not exist: the message names only alpha.
    const hiddenServer = await failure(bob, 'beta_whoami');
    const noServer = await failure(bob, 'gamma_whoami');
    expect(hiddenServer).toEqual(noServer);
    expect(hiddenServer.message).toContain('alpha');
    expect(hiddenServer.message).not.toContain('beta');
    // alice may call what bob may not: the backend answers her.
    const alice = await as('alice', 'mcp:tools mcp:admin');
    const state = await callJson<{ session: string }>(alice, 'beta_state');
    expect(state.session).toMatch(/^b\d+$/);
  });

  it('keeps a hidden tool hidden after the lists change', async () => {
    const bob = await as('bob', 'mcp:tools');
    await bob.callTool({ name: 'alpha_note_add', arguments: { name: 'bobs', text: 'x' } });
    // The backend announced list_changed (a note is a resource): the tools are listed afresh.
    expect((await toolNames(bob)).sort()).toEqual([
      'alpha_note_add',
      'alpha_state',
      'alpha_whoami',
    ]);
    const note = (await bob.listResources()).resources.find((r) => r.name === 'note-bobs');
    expect(note).toBeDefined();
    expect((await bob.readResource({ uri: note!.uri })).contents).toHaveLength(1);
    // carol may see nothing of alpha: its URI fails for her as a URI nobody serves does.
    const carol = await as('carol', 'mcp:tools');
    const readFailure = async (uri: string) => {
      const error = (await carol.readResource({ uri }).catch((e: McpError) => e)) as McpError;
      expect(error).toBeInstanceOf(McpError);
      return { code: error.code, message: error.message.replaceAll(uri, '<uri>') };
    };
    const nowhere = note!.uri.replace('bobs', 'nobodys').replace(/^(\w+):/, 'zzz:');
    expect(await readFailure(note!.uri)).toEqual(await readFailure(nowhere));
  });

  it('limits calls per caller and per tool, with a retry hint', async () => {
    const [bob, alice] = await Promise.all([
      as('bob', 'mcp:tools'),
      as('alice', 'mcp:tools mcp:admin'),
    ]);
    const seen = events.length;
    // bob's bucket of alpha/whoami holds 2 calls; alice has her own.
    for (let round = 0; round < 2; round++) {
      expect((await bob.callTool({ name: 'alpha_whoami', arguments: {} })).isError).toBeFalsy();
    }
    const refused = await bob
      .callTool({ name: 'alpha_whoami', arguments: {} })
      .catch((e: McpError) => e);
    expect(refused).toBeInstanceOf(McpError);
    expect((refused as McpError).code).toBe(-32029);
    expect((refused as McpError).message).toMatch(
      /Rate limit exceeded for tool whoami of server alpha: retry in \d/,
    );
    expect((refused as McpError).data).toMatchObject({ capacity: 2, refillPerSecond: 0.01 });
    expect(((refused as McpError).data as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(
      1000,
    );
    // Other tools of bob's, and alice's calls of the same tool, go on.
    expect((await bob.callTool({ name: 'alpha_state', arguments: {} })).isError).toBeFalsy();
    for (let round = 0; round < 2; round++) {
      expect((await alice.callTool({ name: 'alpha_whoami', arguments: {} })).isError).toBeFalsy();
    }
    expect(events.slice(seen)).toEqual([
      {
        type: 'rateLimited',
        server: 'alpha',
        tool: 'whoami',
        principal: expect.objectContaining({ subject: 'bob' }),
      },
    ]);
  });

  it('follows a reconfigure: a new policy applies to open sessions, a bad one is refused', async () => {
    const bob = await as('bob', 'mcp:tools');
    expect(await toolNames(bob)).not.toContain('beta_state');
    const servers = { alpha: workspaceStdioCommand('a'), beta: workspaceStdioCommand('b') };
    await proxy.reconfigure({
      mcpServers: servers,
      policy: { rules: [{ match: { subjects: ['bob'] }, allow: ['beta/state'] }] },
    });
    expect(await toolNames(bob)).toEqual(['beta_state']);
    await expect(
      proxy.reconfigure({ mcpServers: servers, policy: { rules: [{ allow: ['gamma'] }] } }),
    ).rejects.toThrow('policy.rules[0].allow[0]: names no server of mcpServers');
    expect(await toolNames(bob)).toEqual(['beta_state']);
  });
});
