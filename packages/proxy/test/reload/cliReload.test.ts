import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { childPids, waitFor, within, workspaceStdioCommand } from '@org/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../cli/cliProcess';
import { type Front, frontHttp, Inbox } from '../fixtures/fronts';
import { callJson, toolNames } from '../isolation/fixtures';
import { parseExposition, sampleValue } from '../ops/metricsText';

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE/;
const TOOLS_CHANGED = 'notifications/tools/list_changed';

interface State {
  session: string;
  notes: string[];
}

let dir: string;
const running: Array<{ stop(): Promise<unknown> }> = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-reload-'));
});

afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `servers` as the config at `file`: in place, or by renaming a new file over it. */
function writeConfig(file: string, servers: Record<string, unknown>, how: 'in place' | 'rename') {
  const text = JSON.stringify({ mcpServers: servers }, null, 2);
  if (how === 'in place') writeFileSync(file, text);
  else {
    const next = `${file}.next`;
    writeFileSync(next, text);
    renameSync(next, file);
  }
}

/** Starts the CLI on `file` over HTTP and connects `count` clients. */
async function start(
  file: string,
  count: number,
  extra: string[] = [],
): Promise<{ cli: CliProcess; fronts: Front[]; url: string }> {
  const cli = startCli([file, '--transport', 'http', '--port', '0', ...extra]);
  running.push(cli);
  const [, url] = await cli.waitForStderr(LISTENING);
  const fronts = await within(
    Promise.all(Array.from({ length: count }, (_, i) => frontHttp(url!, {}, `front-${i}`))),
    15_000,
    'the clients to connect',
  );
  for (const front of fronts) running.push({ stop: () => front.close() });
  return { cli, fronts, url: url! };
}

describe('the CLI reloads its config file', () => {
  it('applies edits of the file (rename and in place) to live clients, and rejects bad ones', async () => {
    const file = path.join(dir, 'mcp.json');
    const a = workspaceStdioCommand('a');
    const b = workspaceStdioCommand('b');
    writeConfig(file, { a }, 'in place');
    const { cli, fronts, url } = await start(file, 2, ['--metrics']);
    for (const [index, front] of fronts.entries()) {
      await front.client.callTool({ name: 'note_add', arguments: { name: `n${index}` } });
    }
    const inboxes = fronts.map((front) => new Inbox(front.client, [TOOLS_CHANGED]));

    // An editor's save: a new file renamed over the old one.
    writeConfig(file, { a, b }, 'rename');
    await within(
      Promise.all(inboxes.map((inbox) => inbox.waitFor(TOOLS_CHANGED, 1, 15_000))),
      20_000,
      'list_changed after the rename',
    );
    await cli.waitForStderr(/Reloaded \S*mcp\.json \(the file changed\): added b; updated a/);
    for (const [index, front] of fronts.entries()) {
      expect(await toolNames(front.client)).toEqual(expect.arrayContaining(['a_state', 'b_state']));
      // Server a kept each client's backend session: its own note, nobody else's.
      expect((await callJson<State>(front.client, 'a_state')).notes).toEqual([`n${index}`]);
      await callJson<State>(front.client, 'b_state');
    }
    const withB = childPids(cli.pid);
    expect(withB.length).toBe(4);

    // Invalid JSON written in place: rejected, the old config keeps serving.
    writeFileSync(file, '{ "mcpServers": { "a": ');
    await cli.waitForStderr(
      /Config reload rejected, still serving the previous config: .*mcp\.json/,
    );
    // A command that does not exist: rejected, naming the field.
    writeConfig(file, { a, b, c: { command: 'no-such-command-for-reload' } }, 'in place');
    await cli.waitForStderr(/rejected.*mcpServers\.c\.command/);
    expect(inboxes.map((inbox) => inbox.count(TOOLS_CHANGED))).toEqual([1, 1]);
    expect((await callJson<State>(fronts[0]!.client, 'b_state')).session.startsWith('b')).toBe(
      true,
    );

    // Server b removed in place: its children stop, a's go on.
    writeConfig(file, { a }, 'in place');
    await within(
      Promise.all(inboxes.map((inbox) => inbox.waitFor(TOOLS_CHANGED, 2, 15_000))),
      20_000,
      'list_changed after the removal',
    );
    await waitFor(() => childPids(cli.pid).length === 2, {
      what: "server b's children to exit",
      timeoutMs: 10_000,
    });
    for (const [index, front] of fronts.entries()) {
      expect(await toolNames(front.client)).toContain('state');
      expect((await callJson<State>(front.client, 'state')).notes).toEqual([`n${index}`]);
    }
    // Each reload counted: two applied (b added, then removed), the two bad files rejected.
    const samples = parseExposition(await (await fetch(url.replace(/\/mcp$/, '/metrics'))).text());
    const reloads = (outcome: string) =>
      sampleValue(samples, 'mcp_proxy_config_reloads_total', { outcome });
    expect(reloads('ok')).toBe(2);
    expect(reloads('rejected')).toBeGreaterThanOrEqual(2);
    const servers = (change: string) =>
      sampleValue(samples, 'mcp_proxy_config_reload_servers_total', { change });
    expect([servers('added'), servers('removed')]).toEqual([1, 1]);
  });

  it('with --no-watch reloads on SIGHUP only', async () => {
    const file = path.join(dir, 'mcp.json');
    const a = workspaceStdioCommand('a');
    writeConfig(file, { a }, 'in place');
    const { cli, fronts } = await start(file, 1, ['--no-watch']);
    const inbox = new Inbox(fronts[0]!.client, [TOOLS_CHANGED]);
    writeConfig(file, { a, b: workspaceStdioCommand('b') }, 'rename');
    cli.child.kill('SIGHUP');
    await cli.waitForStderr(/Reloaded \S*mcp\.json \(asked\): added b; updated a/);
    await inbox.waitFor(TOOLS_CHANGED, 1, 15_000);
    expect(await toolNames(fronts[0]!.client)).toContain('b_state');
    // A second SIGHUP with the file as served changes nothing.
    cli.child.kill('SIGHUP');
    writeConfig(file, { a }, 'in place');
    cli.child.kill('SIGHUP');
    await cli.waitForStderr(/Reloaded \S*mcp\.json \(asked\): removed b/);
    expect(cli.stderr()).not.toMatch(/the file changed/);
    expect(cli.child.exitCode).toBeNull();
  });
});
