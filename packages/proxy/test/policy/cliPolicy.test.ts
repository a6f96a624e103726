import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { type Issuer, startIssuer, waitFor, workspaceStdioCommand } from '@org/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCliToEnd, startCli } from '../cli/cliProcess';
import { Inbox } from '../fixtures/fronts';
import { toolNames } from '../isolation/fixtures';
import { parseExposition, sampleValue } from '../ops/metricsText';
import { Cleanup } from '../reliability/fixtures/harness';
import { connectAs, RESOURCE } from './oauthFront';

// Promise: run the way users run it, the CLI takes the front's OAuth from the config's `front`
// section and applies its `policy`: two principals see different tools, and a backend that
// changes a tool after it was pinned (a "rug pull") gets it withheld from the client whose
// session changed it, logged with the diff, listed by `pins` and served again once approved.

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE: \S+\)/;
const REDEFINED = 'Adds a note, and mails your keys';
const cleanup = new Cleanup();
let issuer: Issuer;
let cli: CliProcess;
let url: string;
let dir: string;
let configFile: string;

function writeConfig(file: string, policy: unknown, front?: unknown): void {
  const alpha = workspaceStdioCommand('a');
  writeFileSync(
    file,
    JSON.stringify({
      mcpServers: { alpha, beta: workspaceStdioCommand('b') },
      front: front ?? {
        oauth: { issuers: [issuer.url], resource: RESOURCE, scopes: 'mcp:tools' },
      },
      policy,
    }),
  );
}

beforeAll(async () => {
  issuer = cleanup.add(await startIssuer(['alice', 'bob'], ['mcp:tools', 'mcp:admin']), (i) =>
    i.close(),
  );
  dir = mkdtempSync(join(tmpdir(), 'cli-policy-'));
  cleanup.add(dir, (d) => rmSync(d, { recursive: true, force: true }));
  configFile = join(dir, 'mcp.json');
  writeConfig(configFile, {
    rules: [
      { match: { scopes: ['mcp:admin'] }, allow: ['*'] },
      { match: { subjects: ['bob'] }, allow: ['alpha/note_add', 'alpha/state'] },
    ],
    pinning: { file: 'pins.json' },
  });
  cli = cleanup.add(
    startCli([configFile, '--transport', 'http', '--port', '0', '--metrics', '--no-watch']),
    (c) => c.stop(),
  );
  const [, listening] = await cli.waitForStderr(LISTENING);
  url = listening!;
});

afterAll(() => cleanup.run());

function as(clientId: string, scope: string): Promise<{ client: Client; token: string }> {
  return connectAs(url, issuer, cleanup, clientId, scope);
}

describe('the CLI with a policy and a front section', () => {
  it('takes the OAuth front from the config: no token, 401', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('resource_metadata=');
  });

  it('withholds a tool changed after it was pinned, until approved', async () => {
    const [alice, bob] = await Promise.all([
      as('alice', 'mcp:tools mcp:admin'),
      as('bob', 'mcp:tools'),
    ]);
    expect((await toolNames(bob.client)).sort()).toEqual(['alpha_note_add', 'alpha_state']);
    expect(await toolNames(alice.client)).toContain('alpha_note_add');
    const pins = join(dir, 'pins.json');
    await waitFor(() => readFileSync(pins, 'utf8').includes('alpha/note_add'), { timeoutMs: 5000 });
    expect(statSync(pins).mode & 0o777).toBe(0o600);

    // alice's backend session changes note_add under her feet.
    const inbox = new Inbox(alice.client, ['notifications/tools/list_changed']);
    await alice.client.callTool({
      name: 'alpha_redefine',
      arguments: { tool: 'note_add', description: REDEFINED },
    });
    await inbox.waitFor('notifications/tools/list_changed');
    expect(await toolNames(alice.client)).not.toContain('alpha_note_add');
    const call = await alice.client
      .callTool({ name: 'alpha_note_add', arguments: { name: 'x' } })
      .catch((error: McpError) => error);
    expect(call).toBeInstanceOf(McpError);
    expect((call as McpError).message).toBe('MCP error -32602: Unknown tool: alpha_note_add');
    // bob's own backend session did not change: he is still served.
    expect(await toolNames(bob.client)).toContain('alpha_note_add');
    const [, logged] = await cli.waitForStderr(
      /Tool alpha\/note_add changed since it was pinned: withheld until approved[^\n]*\n(\s+description: [^\n]+)/,
    );
    expect(logged).toContain(`"Adds a note to this session's resources" -> "${REDEFINED}"`);

    const metrics = await fetch(new URL('/metrics', url), {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    const samples = parseExposition(await metrics.text());
    expect(
      sampleValue(samples, 'mcp_proxy_tool_definition_changes_total', {
        backend: 'alpha',
        action: 'withhold',
      }),
    ).toBe(1);

    const listed = await runCliToEnd(['pins', 'list', '--config', configFile]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Changed since pinned');
    expect(listed.stdout).toMatch(/alpha\/note_add\s+sha256:[0-9a-f]{16}…\s+seen/);
    expect(listed.stdout).toContain(`-> "${REDEFINED}"`);

    const approved = await runCliToEnd([
      'pins',
      'approve',
      'alpha/note_add',
      '--config',
      configFile,
    ]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/^Approved alpha\/note_add/);
    // The running proxy picks the approval up (within a second): alice is served again.
    await waitFor(async () => (await toolNames(alice.client)).includes('alpha_note_add'), {
      timeoutMs: 5000,
      intervalMs: 200,
    });
    const again = await runCliToEnd(['pins', 'approve', 'alpha/note_add', '--config', configFile]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('No change recorded for alpha/note_add');
  });
});

describe('a bad policy or front section', () => {
  it('stops the CLI at start with an error naming the field', async () => {
    const bad = join(dir, 'bad.json');
    writeConfig(bad, {
      rules: [{ allow: ['gamma/*'], deny: [7] }],
      rateLimits: [{ tools: ['alpha/x'], capacity: 0, refillPerSecond: 1 }],
    });
    const run = await runCliToEnd([bad, '--transport', 'http', '--port', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('policy.rules[0].deny[0]: ');
    expect(run.stderr).toContain('policy.rateLimits[0].capacity: expected at least 1');
    const secret = join(dir, 'secret.json');
    writeConfig(secret, undefined, {
      oauth: {
        issuers: [issuer.url],
        resource: RESOURCE,
        introspection: {
          endpoint: `${issuer.url}/token/introspection`,
          client_id: 'alice',
          client_secret: 'plain-secret-value',
        },
      },
    });
    const leaked = await runCliToEnd([secret, '--transport', 'http', '--port', '0']);
    expect(leaked.code).toBe(2);
    expect(leaked.stderr).toContain(
      `front.oauth.introspection.client_secret: expected a $\{VAR} reference`,
    );
    expect(leaked.stderr).not.toContain('plain-secret-value');
    const both = await runCliToEnd([
      configFile,
      '--transport',
      'http',
      '--port',
      '0',
      '--auth-token',
      'static-token-1234',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      `front.oauth of ${configFile} cannot be combined with --auth-token`,
    );
    const unknownServer = join(dir, 'unknown.json');
    writeConfig(unknownServer, { rules: [{ allow: ['gamma/*'] }] });
    const typo = await runCliToEnd([unknownServer, '--transport', 'http', '--port', '0']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('policy.rules[0].allow[0]: names no server of mcpServers');
  });
});
