import { createProxy, type SessionStrategy, serveHttp } from '@org/proxy';
import { childPids, isPidAlive, waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontHttp } from '../fixtures/fronts';
import { Cleanup, echoTarget, failureOf, textOf } from './fixtures/harness';

// Promise: a backend that dies mid-call (kill -9 of its stdio child) fails that call within
// 2 s with an error naming the backend; the next call succeeds on a restarted child; clients of
// every strategy recover, and the other clients' children are untouched.

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function proxyOverHttp(strategy: SessionStrategy) {
  const proxy = cleanup.add(createProxy(echoTarget('echo-backend'), { strategy }), (p) =>
    p.close(),
  );
  const http = cleanup.add(await serveHttp(proxy), (h) => h.close());
  const front = async (): Promise<Front> =>
    cleanup.add(await frontHttp(http.url), (f) => f.close());
  return { proxy, front };
}

async function pidOf(front: Front): Promise<number> {
  return Number(textOf(await front.client.callTool({ name: 'pid', arguments: {} })));
}

/**
 * Starts `hang` and kills the backend child serving it once the backend is working on it (its
 * pid given, or found then); returns the failure and the time from the kill to the failure.
 */
async function killDuringCall(front: Front, pid: number | (() => number[])) {
  let killedAt = 0;
  const call = front.client.callTool({ name: 'hang', arguments: {} }, undefined, {
    // The proxy asks the backend for progress: the first one says the call is in flight.
    onprogress: () => {
      if (killedAt > 0) return;
      const targets = typeof pid === 'number' ? [pid] : pid();
      if (targets.length === 0) return;
      killedAt = performance.now();
      for (const target of targets) process.kill(target, 'SIGKILL');
    },
  });
  const failure = await failureOf(call);
  return { failure, elapsedMs: performance.now() - killedAt, killed: killedAt > 0 };
}

describe('a backend child killed mid-call', () => {
  it('per-session: the call fails within 2 s naming the backend, the next call runs on a new child, other sessions are untouched', async () => {
    const before = new Set(childPids());
    const { front } = await proxyOverHttp('per-session');
    const a = await front();
    const b = await front();
    const pidA = await pidOf(a);
    const pidB = await pidOf(b);
    expect(pidA).not.toBe(pidB);

    const { failure, elapsedMs, killed } = await killDuringCall(a, pidA);
    expect(killed).toBe(true);
    expect(elapsedMs).toBeLessThan(2000);
    expect(failure).toContain('echo-backend');
    expect(failure).toMatch(
      /closed the connection during tools\/call hang: exited with signal SIGKILL/,
    );

    await waitFor(() => !isPidAlive(pidA), { what: `killed child ${pidA} to be gone` });
    const restarted = await pidOf(a);
    expect(restarted).not.toBe(pidA);
    expect(isPidAlive(restarted)).toBe(true);
    expect(textOf(await a.client.callTool({ name: 'echo', arguments: { text: 'again' } }))).toBe(
      'again',
    );
    // The other client session kept its own child throughout.
    expect(await pidOf(b)).toBe(pidB);

    await cleanup.run();
    await waitFor(() => childPids().every((pid) => before.has(pid)), {
      what: 'every backend child to exit',
    });
  });

  it.each<SessionStrategy>(['shared', 'per-request'])(
    '%s: the call fails within 2 s naming the backend and the next call succeeds',
    async (strategy) => {
      const before = new Set(childPids());
      const { front } = await proxyOverHttp(strategy);
      const a = await front();
      // With per-request, `pid` reports a child that is gone already: kill the children of
      // this test still running when `hang` reports progress (the one `hang` runs on, and
      // maybe one that served an earlier request and is still exiting).
      const pid =
        strategy === 'shared'
          ? await pidOf(a)
          : () => childPids().filter((child) => !before.has(child));
      const { failure, elapsedMs, killed } = await killDuringCall(a, pid);
      expect(killed).toBe(true);
      expect(elapsedMs).toBeLessThan(2000);
      expect(failure).toContain('echo-backend');
      expect(failure).toMatch(
        /closed the connection during tools\/call hang: exited with signal SIGKILL/,
      );
      expect(textOf(await a.client.callTool({ name: 'echo', arguments: { text: 'ok' } }))).toBe(
        'ok',
      );
    },
  );
});
