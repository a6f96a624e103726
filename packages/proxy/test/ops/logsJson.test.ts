import { PassThrough } from 'node:stream';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  createJsonLogger,
  createProxy,
  type HttpServerHandle,
  type ProxyServer,
  serveHttp,
  startRequestLog,
} from '@org/proxy';
import { waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontHttp } from '../fixtures/fronts';
import { labelOf, workspaceTarget } from '../isolation/fixtures';

/** Collects what is written to a stream, line by line. */
function lineSink(): { stream: PassThrough; lines: () => Array<Record<string, unknown>> } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
  });
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

let proxy: ProxyServer | undefined;
let http: HttpServerHandle | undefined;
const fronts: Front[] = [];
const stops: Array<() => void> = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const front of fronts.splice(0)) await front.close();
  await http?.close();
  await proxy?.close();
  http = undefined;
  proxy = undefined;
});

const sessionOf = (front: Front): string =>
  (front.client.transport as StreamableHTTPClientTransport).sessionId!;

describe('the JSON request log', () => {
  it('writes one JSON line per request, attributed to the session of the client that made it, with two clients at once', async () => {
    const sink = lineSink();
    const logger = createJsonLogger({ level: 'debug', stream: sink.stream });
    proxy = createProxy(workspaceTarget('j').server, { logger });
    stops.push(startRequestLog(proxy.observer, logger));
    http = await serveHttp(proxy, { port: 0 });
    const [a, b] = await Promise.all([
      frontHttp(http.url, {}, 'client-a'),
      frontHttp(http.url, {}, 'client-b'),
    ]);
    fronts.push(a!, b!);
    const work = async (front: Front) => {
      const label = await labelOf(front.client);
      await front.client.listTools();
      await front.client.callTool({ name: `only_${label}`, arguments: {} });
      await front.client.readResource({ uri: `session://${label}` });
      await front.client.getPrompt({ name: `brief_${label}`, arguments: { topic: 'logs' } });
      await front.client.readResource({ uri: `note://${label}/missing` }).catch(() => {});
      return label;
    };
    const [labelA, labelB] = await Promise.all([work(a!), work(b!)]);
    expect(labelA).not.toBe(labelB);
    // The failed read's line is written when its answer is: wait for both.
    await waitFor(() => sink.lines().filter((line) => line.outcome === 'error').length >= 2, {
      timeoutMs: 5000,
    });
    const lines = sink.lines();
    // Client requests carry a request id; backend failures are logged too, without one.
    const byName = (name: string) =>
      lines.filter((line) => line.name === name && line.requestId !== undefined);
    for (const [front, label] of [
      [a!, labelA],
      [b!, labelB],
    ] as const) {
      const session = sessionOf(front);
      const names = [
        `only_${label}`,
        `session://${label}`,
        `brief_${label}`,
        `note://${label}/missing`,
      ];
      for (const name of names) {
        const [line, ...more] = byName(name);
        expect(more, name).toEqual([]);
        expect(line, name).toMatchObject({
          name,
          sessionId: session,
          server: expect.stringMatching(/./),
          requestId: expect.any(String),
          durationMs: expect.any(Number),
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          msg: expect.stringContaining(name),
        });
      }
      expect(byName(`only_${label}`)[0]).toMatchObject({
        method: 'tools/call',
        outcome: 'ok',
        level: 'info',
        name: `only_${label}`,
      });
      expect(byName(`session://${label}`)[0]).toMatchObject({
        method: 'resources/read',
        level: 'info',
      });
      expect(byName(`brief_${label}`)[0]).toMatchObject({ method: 'prompts/get', level: 'info' });
      const failed = byName(`note://${label}/missing`)[0]!;
      expect(failed).toMatchObject({ outcome: 'error', level: 'warn' });
      expect(String(failed.error)).toContain('Resource not found');
      const backendFailure = lines.find(
        (line) => line.name === `note://${label}/missing` && line.requestId === undefined,
      );
      expect(backendFailure).toMatchObject({ level: 'warn', sessionId: session, outcome: 'error' });
    }
    // Lists and the rest are logged at debug, still with their session.
    const lists = lines.filter((line) => line.method === 'tools/list');
    expect(lists.length).toBeGreaterThanOrEqual(2);
    expect(lists.every((line) => line.level === 'debug')).toBe(true);
    expect(new Set(lists.map((line) => line.sessionId))).toEqual(
      new Set([sessionOf(a!), sessionOf(b!)]),
    );
    // Each request id is the JSON-RPC id: unique within a session.
    for (const session of [sessionOf(a!), sessionOf(b!)]) {
      const ids = lines.filter((line) => line.sessionId === session).map((l) => l.requestId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('keeps the level: at info, lists are left out and calls stay', async () => {
    const sink = lineSink();
    const logger = createJsonLogger({ level: 'info', stream: sink.stream });
    proxy = createProxy(workspaceTarget('k').server);
    stops.push(startRequestLog(proxy.observer, logger));
    http = await serveHttp(proxy, { port: 0 });
    const front = await frontHttp(http.url);
    fronts.push(front);
    await labelOf(front.client);
    await front.client.listTools();
    const lines = sink.lines();
    expect(lines.map((line) => [line.method, line.level])).toEqual([['tools/call', 'info']]);
    expect(lines[0]).not.toHaveProperty('pid');
  });

  it('stops writing once stopped', async () => {
    const sink = lineSink();
    proxy = createProxy(workspaceTarget('s').server);
    const stop = startRequestLog(proxy.observer, createJsonLogger({ stream: sink.stream }));
    http = await serveHttp(proxy, { port: 0 });
    const front = await frontHttp(http.url);
    fronts.push(front);
    await labelOf(front.client);
    stop();
    await labelOf(front.client);
    expect(sink.lines()).toHaveLength(1);
  });
});
