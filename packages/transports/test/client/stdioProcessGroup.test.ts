import { spawn } from 'node:child_process';
import path from 'node:path';
import { groupMembers, waitFor, within } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildExitInfo, ChildProcessTransport, createConnector } from '../../src/client/index';
import { newClient, stubbornServerScript } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

const posix = process.platform !== 'win32';
const GRACE_MS = 500;

/** SIGKILLs what a failed test left of a group. */
function killGroup(pgid: number | undefined): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone
  }
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * `bash -c "node stubbornServer.mjs; true"`: a wrapper that neither execs its server nor passes
 * signals on, in front of a server that keeps running when its stdin closes.
 */
function wrappedServer(ignoreSignals: boolean) {
  const server = `${quote(process.execPath)} ${quote(stubbornServerScript)}`;
  const script = `${server}${ignoreSignals ? ' --ignore-signals' : ''}; true`;
  return {
    command: 'bash',
    args: ['-c', script],
    name: 'wrapped-server',
    stderr: 'ignore' as const,
  };
}

async function serverPid(client: ReturnType<typeof newClient>): Promise<number> {
  const result = await client.callTool({ name: 'pid', arguments: {} });
  return Number((result.content as Array<{ text: string }>)[0]!.text);
}

describe.runIf(posix)('a stdio child in its own process group', () => {
  const groups: number[] = [];
  afterEach(() => {
    for (const pgid of groups.splice(0)) killGroup(pgid);
  });

  async function open(
    ignoreSignals: boolean,
    extra: { onExit?: (exit: ChildExitInfo) => void } = {},
  ) {
    const transport = new ChildProcessTransport(wrappedServer(ignoreSignals), {
      killGraceMs: GRACE_MS,
      ...extra,
    });
    const client = newClient();
    await client.connect(transport);
    const pgid = transport.pid!;
    groups.push(pgid);
    const server = await serverPid(client);
    // The wrapper leads the group; the server it started is in it.
    expect(server).not.toBe(pgid);
    expect(groupMembers(pgid)).toEqual(expect.arrayContaining([pgid, server]));
    return { transport, client, pgid, server };
  }

  it('ends the server behind a wrapper when the connection closes', async () => {
    const { client, pgid } = await open(false);
    const started = performance.now();
    await client.close();
    // SIGTERM to the group ended both at once: no waiting for the grace period.
    expect(performance.now() - started).toBeLessThan(GRACE_MS);
    expect(groupMembers(pgid)).toEqual([]);
  });

  it('SIGKILLs the group after the grace period when a grandchild ignores SIGTERM', async () => {
    const { client, pgid, server } = await open(true);
    const started = performance.now();
    await client.close();
    expect(performance.now() - started).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(groupMembers(pgid)).toEqual([]);
    expect(groupMembers(pgid)).not.toContain(server);
  });

  it('ends the rest of the group when the wrapper dies by itself', async () => {
    const exits: ChildExitInfo[] = [];
    const { client, pgid } = await open(false, { onExit: (exit) => exits.push(exit) });
    const closed = new Promise<void>((resolve) => {
      client.onclose = resolve;
    });
    process.kill(pgid, 'SIGKILL');
    await within(closed, 5000, 'the connection to close');
    expect(exits).toEqual([{ name: 'wrapped-server', pid: pgid, code: null, signal: 'SIGKILL' }]);
    await waitFor(() => groupMembers(pgid).length === 0, { what: `group ${pgid} to vanish` });
  });

  it('ends every group on connector close, kept-alive children included', async () => {
    const connector = createConnector(
      { ...wrappedServer(true), keepAlive: true },
      { killGraceMs: GRACE_MS },
    );
    const transport = (await connector.connect()) as ChildProcessTransport;
    const client = newClient();
    await client.connect(transport);
    const pgid = transport.pid!;
    groups.push(pgid);
    await client.close();
    expect(groupMembers(pgid).length).toBe(2); // kept: wrapper and server
    await connector.close();
    expect(groupMembers(pgid)).toEqual([]);
  });
});

const ownerScript = path.resolve(import.meta.dirname, '../fixtures/groupOwnerProcess.mjs');

/** Runs groupOwnerProcess.mjs; resolves with its process, wrapper and server pids. */
async function startOwner(mode: 'wait' | 'exit', ignoreSignals: boolean) {
  const args = [ownerScript, mode, ...(ignoreSignals ? ['--ignore-signals'] : [])];
  const owner = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  owner.stdout.setEncoding('utf8');
  owner.stderr.setEncoding('utf8');
  owner.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // 'exit', not 'close': a surviving server would hold the pipes open.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    owner.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<[number, number]>((resolve, reject) => {
    owner.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^ready (\d+) (\d+)$/m.exec(stdout);
      if (match) resolve([Number(match[1]), Number(match[2])]);
    });
    void exited.then(() => reject(new Error(`Owner exited before it was ready:\n${stderr}`)));
  });
  const [pgid, server] = await within(ready, 30_000, 'the owner to be ready');
  return { owner, pgid, server, exited: () => within(exited, 10_000, 'the owner to exit') };
}

describe.runIf(posix)('a stdio child group does not outlive its owner', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const step of cleanup.splice(0)) step();
  });

  for (const [mode, ignoreSignals] of [
    ['exit', false],
    ['exit', true],
    ['wait', false],
    ['wait', true],
  ] as const) {
    const how = mode === 'exit' ? 'calls process.exit()' : 'gets SIGTERM';
    const server = ignoreSignals ? 'a server that ignores SIGTERM' : 'a server';
    it(`kills the wrapper and ${server} when the owner ${how}`, async () => {
      const { owner, pgid, exited } = await startOwner(mode, ignoreSignals);
      cleanup.push(() => {
        if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
        killGroup(pgid);
      });
      expect(groupMembers(pgid).length).toBe(2);
      if (mode === 'wait') owner.kill('SIGTERM');
      else owner.stdin.write('exit\n');
      expect(await exited()).toEqual(
        mode === 'exit' ? { code: 0, signal: null } : { code: null, signal: 'SIGTERM' },
      );
      await waitFor(() => groupMembers(pgid).length === 0, {
        what: `every process of group ${pgid} to exit`,
      });
    }, 45_000);
  }
});
