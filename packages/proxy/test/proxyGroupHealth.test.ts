import {
  defineTool,
  LocalProvider,
  type Provider,
  type ProviderEvent,
  ProxyGroupProvider,
} from '@org/proxy';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordingLogger } from './fixtures/recordingLogger';

// The health bookkeeping of a multi-server proxy, on its own: backoff, one retry at a time,
// stop, late answers. Timers are faked, so the backoff is exact and nothing waits.

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A provider whose `capabilities` and `listTools` answer when the test says so. */
class ScriptedProvider implements Provider {
  readonly name: string;
  readonly capabilityCalls: Array<Deferred<Record<string, unknown>>> = [];
  readonly listCalls: Array<Deferred<never[]>> = [];
  pings = 0;

  constructor(name: string) {
    this.name = name;
  }

  capabilities() {
    const call = deferred<Record<string, unknown>>();
    this.capabilityCalls.push(call);
    return call.promise;
  }

  listTools() {
    const call = deferred<never[]>();
    this.listCalls.push(call);
    return call.promise;
  }

  async ping() {
    this.pings += 1;
  }

  listResources = async () => [];
  listResourceTemplates = async () => [];
  listPrompts = async () => [];
  getTool = async () => undefined;
  getResource = async () => undefined;
  getResourceTemplate = async () => undefined;
  getPrompt = async () => undefined;
}

function healthy(): LocalProvider {
  const local = new LocalProvider();
  local.add(defineTool({ name: 'ok_echo', handler: () => 'echo' }));
  return local;
}

function group(scripted: ScriptedProvider, logger = recordingLogger()) {
  const made = new ProxyGroupProvider(
    [
      { name: 'ok', provider: healthy(), namespace: 'ok' },
      { name: 'flaky', provider: scripted, namespace: 'flaky' },
    ],
    logger,
    { listDeadlineMs: 100, retryInitialMs: 10, retryMaxMs: 40 },
  );
  const events: ProviderEvent[] = [];
  made.subscribe((event) => events.push(event));
  return { group: made, events, logger };
}

const flakyOf = (made: ProxyGroupProvider) => made.health()[1]!;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the health of a multi-server proxy', () => {
  it('retries a down backend one attempt at a time, with exponential backoff, until stopped', async () => {
    const scripted = new ScriptedProvider('flaky');
    const { group: made, logger } = group(scripted);
    const announced = made.capabilities();
    scripted.capabilityCalls[0]!.reject(new Error('refused'));
    await announced;
    expect(flakyOf(made)).toMatchObject({ state: 'down', failures: 1, lastError: 'refused' });
    expect(flakyOf(made).nextRetryAt! - Date.now()).toBe(10);

    // The first retry starts after 10 ms, and hangs: no second attempt while it is in flight.
    await vi.advanceTimersByTimeAsync(10);
    expect(scripted.capabilityCalls).toHaveLength(2);
    expect(flakyOf(made)).toMatchObject({ retrying: true });
    expect(flakyOf(made).nextRetryAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(scripted.capabilityCalls).toHaveLength(2);

    // Each failed retry doubles the delay, up to retryMaxMs.
    const delays: number[] = [];
    for (let attempt = 2; attempt <= 5; attempt++) {
      scripted.capabilityCalls[attempt - 1]!.reject(new Error(`refused ${attempt}`));
      await vi.advanceTimersByTimeAsync(0);
      const health = flakyOf(made);
      expect(health).toMatchObject({ state: 'down', failures: attempt, retrying: false });
      delays.push(health.nextRetryAt! - Date.now());
      await vi.advanceTimersByTimeAsync(health.nextRetryAt! - Date.now());
      expect(scripted.capabilityCalls).toHaveLength(attempt + 1);
    }
    expect(delays).toEqual([20, 40, 40, 40]);
    expect(flakyOf(made).lastError).toBe('refused 5');

    // Stopped: the retry in flight ends without effect, and no other starts.
    await made.stop();
    scripted.capabilityCalls[5]!.reject(new Error('refused 6'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(scripted.capabilityCalls).toHaveLength(6);
    expect(flakyOf(made).nextRetryAt).toBeUndefined();
    // One warning in all; the failed retries are debug messages.
    expect(logger.at('warn')).toEqual([
      'Skipping MCP server flaky: cannot start: refused (retrying in the background)',
    ]);
  });

  it('serves the others at the deadline, and counts the late answer: up again, with list_changed', async () => {
    const scripted = new ScriptedProvider('flaky');
    const { group: made, events, logger } = group(scripted);
    const listed = made.listTools();
    await vi.advanceTimersByTimeAsync(100);
    expect((await listed).map((tool) => tool.name)).toEqual(['ok_echo']);
    expect(flakyOf(made)).toMatchObject({
      state: 'down',
      lastError: 'Backend flaky did not answer within 100 ms (the list deadline)',
    });
    // While down, a list does not ask it.
    expect((await made.listTools()).map((tool) => tool.name)).toEqual(['ok_echo']);
    expect(scripted.listCalls).toHaveLength(1);
    expect(events).toEqual([]);

    scripted.listCalls[0]!.resolve([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(flakyOf(made)).toMatchObject({ state: 'up', failures: 0 });
    expect(flakyOf(made).lastError).toBeUndefined();
    expect(events.map((event) => event.type === 'listChanged' && event.kind)).toEqual([
      'tool',
      'resource',
      'prompt',
    ]);
    expect(logger.at('info')).toEqual([
      expect.stringMatching(/^MCP server flaky works again \(down for \d+ ms\)/),
    ]);
    // The retry that was scheduled is cancelled.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(scripted.capabilityCalls).toHaveLength(0);
  });

  it('does not let an old failure take down a backend that answered since', async () => {
    const scripted = new ScriptedProvider('flaky');
    const { group: made } = group(scripted);
    const listed = made.listTools();
    await vi.advanceTimersByTimeAsync(100);
    await listed;
    expect(flakyOf(made).state).toBe('down');
    // The retry answers: up again.
    await vi.advanceTimersByTimeAsync(10);
    scripted.capabilityCalls[0]!.resolve({ tools: {} });
    await vi.advanceTimersByTimeAsync(0);
    expect(scripted.pings).toBe(1);
    expect(flakyOf(made).state).toBe('up');
    // The list that missed the deadline fails now: it started before the retry answered.
    scripted.listCalls[0]!.reject(new Error('too late'));
    await vi.advanceTimersByTimeAsync(0);
    expect(flakyOf(made).state).toBe('up');
    // What it announced last is what is announced for it while it is down.
    const announced = made.capabilities();
    await vi.advanceTimersByTimeAsync(100);
    expect(await announced).toEqual({ tools: { listChanged: true } });
  });

  it('refuses options that are not positive numbers of milliseconds', () => {
    const members = [{ name: 'ok', provider: healthy(), namespace: 'ok' }];
    expect(() => new ProxyGroupProvider(members, undefined, { listDeadlineMs: 0 })).toThrow(
      'The listDeadlineMs option must be a positive number of milliseconds, got 0',
    );
    expect(
      () => new ProxyGroupProvider(members, undefined, { retryInitialMs: 100, retryMaxMs: 10 }),
    ).toThrow('The retryMaxMs option (10) must not be below retryInitialMs (100)');
  });
});
