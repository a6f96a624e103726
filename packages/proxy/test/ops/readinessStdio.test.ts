import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy, type ProxyServer, Readiness } from '@org/proxy';
import { childPids, isPidAlive, waitFor, workspaceServerScript } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory } from '../fixtures/fronts';
import { callJson } from '../isolation/fixtures';

// Promise: a required stdio backend whose child dies and cannot be started again makes the
// proxy unready, with the reason; once its command works again, the background retry brings
// it back and the proxy is ready, while the other backend kept serving throughout.

let proxy: ProxyServer | undefined;
let readiness: Readiness | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  readiness?.close();
  await proxy?.close();
});

/** The WORKSPACE_PREFIX in a process's environment (Linux). */
function prefixOf(pid: number): string | undefined {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return environ.find((v) => v.startsWith('WORKSPACE_PREFIX='))?.slice(17);
  } catch {
    return undefined;
  }
}

/** A launcher script the test can break and mend: `sh <file>` runs the workspace server. */
function launcher(prefix: string): { file: string; mend(): void; breakIt(): void } {
  const file = join(mkdtempSync(join(tmpdir(), 'ready-stdio-')), 'launch.sh');
  const mend = () =>
    writeFileSync(
      file,
      `WORKSPACE_PREFIX=${prefix} exec "${process.execPath}" "${workspaceServerScript()}" stdio\n`,
    );
  mend();
  return { file, mend, breakIt: () => writeFileSync(file, 'echo launcher broken >&2; exit 3\n') };
}

describe('Readiness with a stdio backend', () => {
  it('goes unready when a required child is killed and cannot restart, ready once it can', async () => {
    const alpha = launcher('r');
    const beta = launcher('s');
    proxy = createProxy({
      mcpServers: {
        alpha: { command: 'sh', args: [alpha.file], required: true },
        beta: { command: 'sh', args: [beta.file] },
      },
    });
    readiness = new Readiness(proxy, { probeIntervalMs: 100, probeTimeoutMs: 5000 });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    expect((await callJson(front.client, 'alpha_whoami')).session).toMatch(/^r/);
    expect((await callJson(front.client, 'beta_whoami')).session).toMatch(/^s/);
    expect((await readiness.check()).status).toBe('ready');

    const alphaPid = childPids().find((pid) => prefixOf(pid) === 'r');
    expect(alphaPid).toBeDefined();
    alpha.breakIt();
    process.kill(alphaPid!, 'SIGKILL');
    await waitFor(async () => (await readiness!.check()).status === 'unready', {
      timeoutMs: 15_000,
      what: 'the proxy to be unready',
    });
    const down = readiness.report().backends.find((b) => b.name === 'alpha')!;
    expect(down.state).toBe('down');
    expect(down.lastError).toContain('backend alpha');
    expect(isPidAlive(alphaPid!)).toBe(false);
    // The other backend kept serving while alpha was down.
    expect((await callJson(front.client, 'beta_whoami')).session).toMatch(/^s/);

    alpha.mend();
    await waitFor(async () => (await readiness!.check()).status === 'ready', {
      timeoutMs: 20_000,
      what: 'the proxy to be ready again',
    });
    expect((await callJson(front.client, 'alpha_whoami')).session).toMatch(/^r/);
    expect((await callJson(front.client, 'beta_whoami')).session).toMatch(/^s/);
  });
});
