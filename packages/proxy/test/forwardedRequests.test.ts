import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createProxy, ProxyClient, type ProxyClientOptions, serveHttp } from '@org/proxy';
import { createWorkspaceServer, within, workspaceStdioCommand } from '@org/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeAfterEach, deferred } from './fixtures/lifecycle';
import { failedCall, type NamedFront, namedFront, workspaceCall } from './fixtures/workspaceFronts';

const FULL = { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } };

const closers = closeAfterEach();

/** A workspace backend in this process: one backend server per backend session. */
function inProcess(prefix: string) {
  return { server: { connect: (t: Transport) => createWorkspaceServer({ prefix }).connect(t) } };
}

/** A proxy of `client` (per-session unless told), served in memory, with fronts made on it. */
function proxyOf(client: ProxyClient, strategy: 'per-session' | 'shared' = 'per-session') {
  const proxy = createProxy(client, { strategy });
  closers.push(() => proxy.close());
  return proxy;
}

async function front(...args: Parameters<typeof namedFront>): Promise<NamedFront> {
  const made = await namedFront(...args);
  closers.push(() => made.close());
  return made;
}

const TARGETS = {
  'in-memory': (prefix: string) => inProcess(prefix),
  stdio: (prefix: string) => workspaceStdioCommand(prefix),
};

describe.each(Object.keys(TARGETS) as Array<keyof typeof TARGETS>)(
  'a forwarded request over a %s backend',
  (kind) => {
    const client = (options: ProxyClientOptions) =>
      new ProxyClient(TARGETS[kind](kind === 'stdio' ? 's' : 'm'), options);

    it('lives as long as the backend waits: answers after more than requestTimeoutMs succeed, each front answering its own', async () => {
      const proxy = proxyOf(client({ requestTimeoutMs: 300 }));
      // `slow` answers after 700 ms: more than the proxy's request timeout (300 ms).
      const slow = await front(proxy, 'slow', FULL, {
        elicitation: async () => {
          await new Promise((resolve) => setTimeout(resolve, 700));
          return { action: 'accept', content: { name: 'slow' } };
        },
        sampling: async () => {
          await new Promise((resolve) => setTimeout(resolve, 700));
          return { role: 'assistant', model: 'slow-model', content: { type: 'text', text: 's' } };
        },
      });
      const quick = await front(proxy, 'quick', FULL);
      const [asked, sampled, quickAsked] = await within(
        Promise.all([
          workspaceCall(slow, 'ask'),
          workspaceCall(slow, 'sample'),
          workspaceCall(quick, 'ask'),
        ]),
        10_000,
        'the three calls',
      );
      expect(asked.answer).toEqual({ action: 'accept', content: { name: 'slow' } });
      expect((sampled.answer as { model: string }).model).toBe('slow-model');
      expect(quickAsked.answer).toEqual({ action: 'accept', content: { name: 'quick' } });
      // Two fronts, two backend sessions (the calls of one front share one). Every stdio child
      // numbers its only session 1, so labels tell sessions apart in process only.
      expect(asked.session).toBe(sampled.session);
      if (kind === 'in-memory') expect(quickAsked.session).not.toBe(asked.session);
    });

    it('relays errors of the front with exactly one `MCP error` prefix, for sampling, elicitation and roots', async () => {
      const proxy = proxyOf(client({}));
      const refusing = (who: string) => ({
        sampling: () => {
          throw new McpError(-32042, `sampling refused by ${who}`);
        },
        elicitation: () => {
          throw new McpError(-32042, `elicitation refused by ${who}`);
        },
        roots: () => {
          throw new McpError(-32042, `roots refused by ${who}`);
        },
      });
      const a = await front(proxy, 'a', FULL, refusing('a'));
      const b = await front(proxy, 'b', FULL, refusing('b'));
      for (const [who, f] of [
        ['a', a],
        ['b', b],
      ] as const) {
        for (const [tool, what] of [
          ['sample', 'sampling'],
          ['ask', 'elicitation'],
          ['roots', 'roots'],
        ]) {
          const { error } = await workspaceCall(f, tool!, { catch: true });
          // As the backend's SDK has it: its own prefix, once.
          expect(error).toEqual({
            code: -32042,
            message: `MCP error -32042: ${what} refused by ${who}`,
          });
        }
      }
    });
  },
);

describe('the backend request timeout', () => {
  it('is restarted by progress, cut by maxTotalTimeoutMs, and cancels the backend request when it runs out', async () => {
    const proxy = proxyOf(
      new ProxyClient(inProcess('t'), { requestTimeoutMs: 300, maxTotalTimeoutMs: 900 }),
    );
    const endless = await front(proxy, 'endless', FULL);
    const steady = await front(proxy, 'steady', FULL);
    const silent = await front(proxy, 'silent', FULL);
    const [cut, done, quiet] = await within(
      Promise.all([
        // Progress every 50 ms for 3 s: never idle for 300 ms, cut at 900 ms in all.
        failedCall(endless, 'tick', { steps: 60, intervalMs: 50 }),
        // Progress every 50 ms for 600 ms: longer than the request timeout, within the maximum.
        workspaceCall(steady, 'tick', { steps: 12, intervalMs: 50 }),
        // No progress for 600 ms: the request timeout.
        failedCall(silent, 'tick', { steps: 1, intervalMs: 600 }),
      ]),
      10_000,
      'the three ticks',
    );
    expect(cut).toMatch(/^Backend \S+ did not answer tools\/call tick within 900 ms$/);
    expect(done.steps).toBe(12);
    expect(quiet).toMatch(/^Backend \S+ did not answer tools\/call tick within 300 ms$/);
    // Each backend session that was timed out was told so (notifications/cancelled); the other was not.
    await expect
      .poll(async () => (await workspaceCall(endless, 'cancellations')).cancellations)
      .toEqual([expect.stringMatching(/Maximum total timeout exceeded/)]);
    await expect
      .poll(async () => (await workspaceCall(silent, 'cancellations')).cancellations)
      .toEqual([expect.stringMatching(/Request timed out/)]);
    expect((await workspaceCall(steady, 'cancellations')).cancellations).toEqual([]);
  });
});

describe.each(['in-memory', 'http'] as const)(
  'the backend withdrawing its request (front over %s)',
  (way) => {
    it('aborts the request forwarded to that front only', async () => {
      const proxy = proxyOf(new ProxyClient(inProcess('c'), { requestTimeoutMs: 5000 }));
      let target: string | typeof proxy = proxy;
      if (way === 'http') {
        const http = await serveHttp(proxy, { port: 0 });
        closers.push(() => http.close());
        target = http.url;
      }
      const aborted = deferred<unknown>();
      const arrived = deferred();
      const waiting = await front(target, 'waiting', FULL, {
        elicitation: (_params, extra) =>
          new Promise((resolve) => {
            arrived.resolve();
            extra.signal.addEventListener('abort', () => {
              aborted.resolve(extra.signal.reason);
              resolve({ action: 'cancel' });
            });
          }),
      });
      // The other front answers once the first front's elicitation was withdrawn.
      const other = await front(target, 'other', FULL, {
        elicitation: async () => {
          await aborted.promise;
          return { action: 'accept', content: { name: 'other' } };
        },
      });
      const [withdrawn, answered] = await within(
        Promise.all([
          workspaceCall(waiting, 'ask', { cancelAfterMs: 200 }),
          arrived.promise.then(() => workspaceCall(other, 'ask')),
        ]),
        10_000,
        'both asks',
      );
      expect(String(await aborted.promise)).toMatch(/abort|timeout/i);
      // The front's handler is aborted only by `notifications/cancelled` for its request (its
      // connection stays up: it calls again below).
      expect(await workspaceCall(waiting, 'whoami')).toMatchObject({ client: 'mcp-proxy' });
      expect(withdrawn.error).toBeDefined();
      expect(answered.answer).toEqual({ action: 'accept', content: { name: 'other' } });
    });
  },
);

describe('no 60 s default (fake timers, in memory)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a forwarded request waits an hour for its answer; only the backend’s own timeout ends one', async () => {
    // Default options: requestTimeoutMs 60 s. Every timer of the SDK and of the proxy is faked
    // (all transports are in memory), so advancing the clock by an hour fires any 60 s timeout
    // there is: on the request forwarded to the front, or on the backend call waiting for it.
    const proxy = proxyOf(new ProxyClient(inProcess('f')));
    const answers = { a: deferred<void>(), b: deferred<void>() };
    const arrived = { a: deferred(), b: deferred(), c: deferred() };
    const withdrawn = deferred<unknown>();
    const waiting = (who: 'a' | 'b') => ({
      elicitation: async () => {
        arrived[who].resolve();
        await answers[who].promise;
        return { action: 'accept' as const, content: { name: who } };
      },
    });
    const a = await front(proxy, 'a', FULL, waiting('a'));
    const b = await front(proxy, 'b', FULL, waiting('b'));
    // The workspace backend's `sample` keeps the SDK's 60 s default on its own request: the
    // control showing that the faked clock does fire SDK timeouts, and that the backend's
    // cancellation reaches the front.
    const c = await front(proxy, 'c', FULL, {
      sampling: (_params, extra) =>
        new Promise(() => {
          arrived.c.resolve();
          extra.signal.addEventListener('abort', () => withdrawn.resolve(extra.signal.reason));
        }),
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const noTimeout = { timeout: 2 ** 31 - 1 };
    const call = (f: NamedFront, tool: string, args: Record<string, unknown> = {}) =>
      f.client.callTool({ name: tool, arguments: args }, undefined, noTimeout);
    const calls = [call(a, 'ask'), call(b, 'ask'), call(c, 'sample', { catch: true })];
    await Promise.all([arrived.a.promise, arrived.b.promise, arrived.c.promise]);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    await withdrawn.promise;
    answers.b.resolve();
    answers.a.resolve();
    const [ra, rb, rc] = await Promise.all(calls);
    const json = (r: unknown) =>
      JSON.parse((r as { content: Array<{ text: string }> }).content[0]!.text) as Record<
        string,
        unknown
      >;
    expect(json(ra).answer).toEqual({ action: 'accept', content: { name: 'a' } });
    expect(json(rb).answer).toEqual({ action: 'accept', content: { name: 'b' } });
    expect(json(rc).error).toEqual({
      code: -32001,
      message: 'MCP error -32001: Request timed out',
    });
  });
});
