import path from 'node:path';
import {
  createProxy,
  type HttpServerHandle,
  type ProxyServer,
  type SessionStrategy,
  serveHttp,
} from '@org/proxy';
import { isPidAlive, waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend } from './fixtures/demoBackend';
import { type Front, frontHttp, frontInMemory } from './fixtures/fronts';

type Way = 'in-memory' | 'http';

let proxy: ProxyServer | undefined;
let http: HttpServerHandle | undefined;
const fronts: Front[] = [];

async function start(strategy: SessionStrategy, way: Way) {
  const backend = new CountingBackend(demoBackend());
  proxy = createProxy(backend, { strategy });
  if (way === 'http') http = await serveHttp(proxy, { port: 0 });
  const connect = async (name: string) => {
    const front =
      way === 'http' ? await frontHttp(http!.url, {}, name) : await frontInMemory(proxy!, {}, name);
    fronts.push(front);
    return front;
  };
  return { backend, connect };
}

async function text(front: Front, name: string, args: Record<string, unknown> = {}) {
  const result = await front.client.callTool({ name, arguments: args });
  const first = (result.content as Array<{ text?: string }>)[0];
  return { text: first?.text, isError: result.isError === true };
}

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
  await http?.close();
  http = undefined;
  await proxy?.close();
  proxy = undefined;
});

describe.each<Way>(['in-memory', 'http'])('session strategies over %s', (way) => {
  it('per-session keeps state within a front and separates two fronts', async () => {
    const { connect } = await start('per-session', way);
    const a = await connect('a');
    const b = await connect('b');
    expect(await text(a, 'get')).toEqual({ text: 'Value not found', isError: true });
    expect(await text(a, 'put', { value: 'A' })).toEqual({ text: 'stored', isError: false });
    expect(await text(a, 'get')).toEqual({ text: 'A', isError: false });
    expect(await text(b, 'get')).toEqual({ text: 'Value not found', isError: true });
    await text(b, 'put', { value: 'B' });
    expect(await text(a, 'get')).toEqual({ text: 'A', isError: false });
    expect(await text(b, 'get')).toEqual({ text: 'B', isError: false });
    const [a1, a2, b1] = [
      await text(a, 'session_id'),
      await text(a, 'session_id'),
      await text(b, 'session_id'),
    ];
    expect(a1.text).toBe(a2.text);
    expect(b1.text).not.toBe(a1.text);
  });

  it('per-session closes the backend session when the front session ends', async () => {
    const { backend, connect } = await start('per-session', way);
    const a = await connect('a');
    const b = await connect('b');
    await text(a, 'session_id');
    await text(b, 'session_id');
    expect(backend.opened).toBe(2);
    expect(backend.closed).toBe(0);
    await a.close();
    fronts.splice(fronts.indexOf(a), 1);
    await backend.waitForClosed(1);
    expect(backend.closed).toBe(1);
    expect(await text(b, 'session_id')).toMatchObject({ isError: false });
    expect(backend.opened).toBe(2);
  });

  it('per-request opens a fresh backend session for every request', async () => {
    const { backend, connect } = await start('per-request', way);
    const a = await connect('a');
    await text(a, 'put', { value: 'A' });
    expect(await text(a, 'get')).toEqual({ text: 'Value not found', isError: true });
    const ids = new Set([(await text(a, 'session_id')).text, (await text(a, 'session_id')).text]);
    expect(ids.size).toBe(2);
    expect(backend.sessionsOf('tools/call').length).toBe(backend.count('tools/call'));
    await backend.waitForClosed(backend.opened);
  });

  it('shared uses one backend session for every front', async () => {
    const { backend, connect } = await start('shared', way);
    const a = await connect('a');
    const b = await connect('b');
    await text(a, 'put', { value: 'from a' });
    expect(await text(b, 'get')).toEqual({ text: 'from a', isError: false });
    expect((await text(a, 'session_id')).text).toBe((await text(b, 'session_id')).text);
    expect(backend.opened).toBe(1);
    await a.close();
    fronts.splice(fronts.indexOf(a), 1);
    expect(await text(b, 'get')).toEqual({ text: 'from a', isError: false });
    expect(backend.closed).toBe(0);
  });
});

describe('front sessions and backend sessions', () => {
  it('a stateless HTTP front gets a new front session, so a new backend session, per request', async () => {
    const backend = new CountingBackend(demoBackend());
    proxy = createProxy(backend);
    http = await serveHttp(proxy, { port: 0, stateless: true });
    const front = await frontHttp(http.url);
    fronts.push(front);
    await text(front, 'put', { value: 'A' });
    expect(await text(front, 'get')).toEqual({ text: 'Value not found', isError: true });
    await backend.waitForClosed(backend.opened);
  });

  it('the stdio child of a front session exits when that session ends', async () => {
    const script = path.join(import.meta.dirname, 'fixtures', 'pidServer.mjs');
    proxy = createProxy({ command: process.execPath, args: [script], stderr: 'ignore' });
    const [a, b] = await Promise.all([
      frontInMemory(proxy, {}, 'a'),
      frontInMemory(proxy, {}, 'b'),
    ]);
    fronts.push(a!, b!);
    const pidOf = async (front: Front) => Number((await text(front, 'pid')).text);
    const [pidA, pidB] = [await pidOf(a!), await pidOf(b!)];
    expect(pidA).not.toBe(pidB);
    expect(await pidOf(a!)).toBe(pidA);
    await a!.close();
    fronts.splice(fronts.indexOf(a!), 1);
    await waitFor(() => !isPidAlive(pidA), { what: 'the child of the closed session to exit' });
    expect(isPidAlive(pidB)).toBe(true);
    expect(await pidOf(b!)).toBe(pidB);
  });
});
