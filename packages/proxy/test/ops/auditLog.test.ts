import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  type AuditRecord,
  Client,
  createProxy,
  type HttpServerHandle,
  type ProxyServer,
  serveHttp,
  startAuditLog,
} from '@org/proxy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Front, frontHttp } from '../fixtures/fronts';
import { labelOf, workspaceTarget } from '../isolation/fixtures';

const TOKEN = 'audit-front-token-1234';

let dir: string;
let proxy: ProxyServer | undefined;
let http: HttpServerHandle | undefined;
const fronts: Front[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'audit-'));
});

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  await http?.close();
  await proxy?.close();
  http = undefined;
  proxy = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const readRecords = (file: string): AuditRecord[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditRecord);

/** Two authenticated HTTP clients, each making a call, a read, a render, and one failing call. */
async function auditedWork(auditArguments: boolean) {
  const file = path.join(dir, 'audit.jsonl');
  proxy = createProxy(workspaceTarget('u').server);
  const audit = await startAuditLog(proxy.observer, {
    destination: file,
    arguments: auditArguments,
  });
  http = await serveHttp(proxy, { port: 0, authToken: TOKEN });
  const headers = { authorization: `Bearer ${TOKEN}` };
  const [a, b] = await Promise.all([
    frontHttp(http.url, {}, 'a', undefined, headers),
    frontHttp(http.url, {}, 'b', undefined, headers),
  ]);
  fronts.push(a!, b!);
  const work = async (front: Front) => {
    const label = await labelOf(front.client);
    await front.client.listTools();
    await front.client.callTool({ name: 'note_add', arguments: { name: 'n', text: 'body' } });
    await front.client.readResource({ uri: `note://${label}/n` });
    await front.client.getPrompt({ name: `brief_${label}`, arguments: { topic: 'audits' } });
    const failed = await front.client
      .callTool({ name: 'no_such_tool', arguments: { x: 1 } })
      .then((result) => result.isError === true)
      .catch(() => true);
    expect(failed).toBe(true);
    return label;
  };
  const labels = await Promise.all([work(a!), work(b!)]);
  await audit.close();
  // Read right after close() resolved: every line must be in the file.
  return { file, labels, records: readRecords(file) };
}

describe('the audit log', () => {
  it('writes one line per tool call, resource read and prompt render, with the principal, and flushes on close', async () => {
    const { file, labels, records } = await auditedWork(false);
    // Per client: whoami, note_add, read, render, the failing call. Lists are not audited.
    expect(records).toHaveLength(10);
    expect(records.some((record) => record.method === 'tools/list')).toBe(false);
    for (const label of labels) {
      const read = records.find((record) => record.name === `note://${label}/n`)!;
      const render = records.find((record) => record.name === `brief_${label}`)!;
      expect(read).toMatchObject({ method: 'resources/read', outcome: 'ok', error: null });
      expect(render).toMatchObject({ method: 'prompts/get', outcome: 'ok' });
      // The read and the render of one client are in its session.
      expect(read.session).toBe(render.session);
    }
    const sessions = new Set(records.map((record) => record.session));
    expect(sessions.size).toBe(2);
    for (const record of records) {
      expect(record.principal).toBe('bearer');
      expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(record.durationMs).toBeGreaterThanOrEqual(0);
      expect(record).not.toHaveProperty('arguments');
    }
    const served = records.filter((record) => record.name !== 'no_such_tool');
    expect(served.every((record) => typeof record.server === 'string')).toBe(true);
    const failures = records.filter((record) => record.name === 'no_such_tool');
    expect(failures).toHaveLength(2);
    for (const failure of failures) {
      expect(failure).toMatchObject({ method: 'tools/call', outcome: 'error' });
      expect(failure.error).toContain('no_such_tool');
    }
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('puts the arguments of calls and renders in when asked', async () => {
    const { records } = await auditedWork(true);
    const add = records.find((record) => record.name === 'note_add');
    expect(add?.arguments).toEqual({ name: 'n', text: 'body' });
    const render = records.find((record) => record.method === 'prompts/get');
    expect(render?.arguments).toEqual({ topic: 'audits' });
    const read = records.find((record) => record.method === 'resources/read');
    expect(read).not.toHaveProperty('arguments');
  });

  it('appends to an existing file and names the subject of a token that has one', async () => {
    const file = path.join(dir, 'existing.jsonl');
    writeFileSync(file, '{"earlier":true}\n', { mode: 0o600 });
    proxy = createProxy(workspaceTarget('p').server);
    const audit = await startAuditLog(proxy.observer, { destination: file });
    // A front whose authentication established a subject (a verified token's `sub`).
    const authInfo: AuthInfo = {
      token: 'never-logged-token',
      clientId: 'client-app',
      scopes: ['tools'],
      extra: { sub: 'alice@example.com' },
    };
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await proxy.connect(serverSide);
    const deliver = serverSide.onmessage!;
    serverSide.onmessage = (message, extra) => deliver(message, { ...extra, authInfo });
    const client = new Client({ name: 'alice-app', version: '1.0.0' });
    await client.connect(clientSide);
    fronts.push({
      client,
      close: () => client.close(),
      [Symbol.asyncDispose]: () => client.close(),
    });
    await labelOf(client);
    await audit.close();
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('{"earlier":true}\n')).toBe(true);
    expect(text).not.toContain('never-logged-token');
    const records = readRecords(file);
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ principal: 'alice@example.com', name: 'whoami' });
  });

  it('writes lines to a stream and resolves close() once they are written', async () => {
    proxy = createProxy(workspaceTarget('s').server);
    const chunks: string[] = [];
    const slow = new Writable({
      write(chunk, _encoding, callback) {
        // Acknowledged later: close() must wait for it.
        setImmediate(() => {
          chunks.push(String(chunk));
          callback();
        });
      },
    });
    const audit = await startAuditLog(proxy.observer, { destination: slow });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await proxy.connect(serverSide);
    const client = new Client({ name: 'anon', version: '1.0.0' });
    await client.connect(clientSide);
    fronts.push({
      client,
      close: () => client.close(),
      [Symbol.asyncDispose]: () => client.close(),
    });
    await labelOf(client);
    await audit.close();
    const record = JSON.parse(chunks.join('')) as AuditRecord;
    expect(record).toMatchObject({ principal: null, name: 'whoami', outcome: 'ok' });
    // Closed: no more lines.
    await labelOf(client);
    expect(chunks.join('').trim().split('\n')).toHaveLength(1);
  });

  it('fails to start when the file cannot be opened', async () => {
    proxy = createProxy(workspaceTarget('f').server);
    await expect(
      startAuditLog(proxy.observer, { destination: path.join(dir, 'missing', 'audit.jsonl') }),
    ).rejects.toThrow(/ENOENT/);
  });
});
