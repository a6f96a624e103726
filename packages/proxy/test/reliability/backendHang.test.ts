import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type CreateProxyOptions,
  createProxy,
  defineTool,
  ProviderServer,
  ProxyClient,
  serveHttp,
} from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseCliArgs } from '../../src/cli/args';
import { runCli } from '../../src/cli/run';
import { type Front, frontHttp } from '../fixtures/fronts';
import { Cleanup, echoTarget, failureOf, recordingLogger, textOf } from './fixtures/harness';
import { WireRecorder } from './fixtures/wireRecorder';

// Promise: a hung backend request ends with a clear timeout error after the configured
// per-request timeout (60 s by default); progress from the backend restarts the clock, so
// long-running tools that report progress finish; the hung request is cancelled on the backend.

const TIMEOUT_MS = 400;
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A backend with a tool that never answers and one that works long but reports progress. */
function slowBackend() {
  const aborted: string[] = [];
  const server = new ProviderServer({ name: 'slow' });
  server.add(
    defineTool({
      name: 'hang',
      handler: (_args, context) =>
        new Promise<string>((resolve) => {
          context?.signal.addEventListener('abort', () => {
            aborted.push('hang');
            resolve('aborted');
          });
        }),
    }),
    defineTool({
      name: 'work',
      description: 'Works `steps` × `stepMs`, reporting progress after each step when asked to',
      input: z.object({ steps: z.number(), stepMs: z.number(), report: z.boolean() }),
      handler: async ({ steps, stepMs, report }, context) => {
        for (let step = 1; step <= steps; step++) {
          // Simulated work of a long-running backend tool; it stops when cancelled.
          const stopped = await delay(stepMs, false, { signal: context?.signal }).catch(() => true);
          if (stopped) return 'cancelled';
          if (report) await context?.reportProgress(step, steps, `step ${step}`);
        }
        return 'done';
      },
    }),
  );
  cleanup.add(server, (s) => s.close());
  return { backend: new WireRecorder(server), aborted };
}

async function frontOf(target: WireRecorder, options: CreateProxyOptions): Promise<Front> {
  const proxy = cleanup.add(createProxy(target, options), (p) => p.close());
  const http = cleanup.add(await serveHttp(proxy), (h) => h.close());
  return cleanup.add(await frontHttp(http.url), (f) => f.close());
}

describe('a backend that does not answer', () => {
  it('ends the call after the request timeout with a clear error, and cancels the backend request', async () => {
    const { backend, aborted } = slowBackend();
    const front = await frontOf(backend, { requestTimeoutMs: TIMEOUT_MS });
    const started = performance.now();
    const failure = await failureOf(front.client.callTool({ name: 'hang', arguments: {} }));
    const elapsed = performance.now() - started;
    expect(failure).toMatch(/^Backend \S+ did not answer tools\/call hang within 400 ms$/);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500);
    // The backend is told to stop: notifications/cancelled for the very request that hung.
    const call = backend.of('tools/call').find((m) => m.params?.name === 'hang');
    expect(call).toBeDefined();
    const cancelled = await backend.waitFor(
      (m) => m.method === 'notifications/cancelled' && m.params?.requestId === call?.id,
    );
    expect(String(cancelled.params?.reason)).toMatch(/timed out/i);
    await expect.poll(() => aborted).toEqual(['hang']);
    // The proxy keeps serving.
    const done = await front.client.callTool({
      name: 'work',
      arguments: { steps: 1, stepMs: 1, report: false },
    });
    expect(textOf(done)).toBe('done');
  });

  it('lets a long-running tool that reports progress finish, whether or not the client asked for progress', async () => {
    const { backend } = slowBackend();
    const front = await frontOf(backend, { requestTimeoutMs: TIMEOUT_MS });
    const args = { steps: 6, stepMs: 150, report: true }; // 900 ms in all, > the timeout
    const seen: number[] = [];
    const withProgress = await front.client.callTool({ name: 'work', arguments: args }, undefined, {
      onprogress: (progress) => seen.push(progress.progress),
    });
    expect(textOf(withProgress)).toBe('done');
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    const without = await front.client.callTool({ name: 'work', arguments: args });
    expect(textOf(without)).toBe('done');
    // The same work without progress is cut off: progress is what kept it alive.
    const silent = { ...args, report: false };
    const failure = await failureOf(front.client.callTool({ name: 'work', arguments: silent }));
    expect(failure).toContain(`did not answer tools/call work within ${TIMEOUT_MS} ms`);
    expect(backend.of('notifications/cancelled')).toHaveLength(1);
  });

  it('waits 60 s by default; createProxy and the CLI set the timeout', async () => {
    const direct = new ProxyClient(echoTarget());
    expect([direct.requestTimeoutMs, direct.connectTimeoutMs]).toEqual([60_000, 60_000]);
    const clientOf = async (options: CreateProxyOptions) => {
      const proxy = cleanup.add(createProxy(echoTarget(), options), (p) => p.close());
      const client = await proxy.proxyProviders[0]!.clientFactory();
      return [client.requestTimeoutMs, client.connectTimeoutMs];
    };
    expect(await clientOf({})).toEqual([60_000, 60_000]);
    expect(await clientOf({ requestTimeoutMs: 1234, connectTimeoutMs: 5678 })).toEqual([
      1234, 5678,
    ]);
    // The CLI's --timeout reaches the backend requests: `hang` on a stdio backend times out,
    // while starting that backend (longer than the request timeout) is not cut short by it.
    const command = parseCliArgs(
      ['--transport', 'http', '--timeout', String(TIMEOUT_MS), '--', ...echoCommand()],
      {},
    );
    if (command.action !== 'run') throw new Error('Expected a run command');
    const logger = recordingLogger();
    const cli = cleanup.add(await runCli(command.config, { ...silentIo(), logger }), (c) =>
      c.close(),
    );
    const front = cleanup.add(await frontHttp(cli.url!), (f) => f.close());
    const failure = await failureOf(front.client.callTool({ name: 'hang', arguments: {} }));
    expect(failure).toContain(`did not answer tools/call hang within ${TIMEOUT_MS} ms`);
  });
});

function echoCommand(): string[] {
  const { command, args = [] } = echoTarget();
  return [command, ...args];
}

function silentIo() {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  return { stdin: process.stdin, stdout: sink, stderr: sink };
}
