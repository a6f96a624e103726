import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createConnector,
  inferTransportKind,
  isConnectableServer,
  isHttpTarget,
  isInProcessTarget,
  isStdioTarget,
  redactUrl,
  resolveTarget,
} from '../../src/client/index';
import { ProxyError, ProxyErrorCode } from '../../src/errors';
import { envServerScript } from '../fixtures/clientHelpers';

const SSE_PATHS = ['/sse', '/sse/', '/api/sse', '/sse?x=1', '/sse&x', '/v1/sse/stream'];
const HTTP_PATHS = ['/mcp', '/mcp/', '/sservice/', '/assets/', '/ssex', '/', '/api/sse-ish'];

function invalidTarget(run: () => unknown): ProxyError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).code).toBe(ProxyErrorCode.InvalidTarget);
    return error as ProxyError;
  }
  throw new Error('Expected an InvalidTarget error');
}

describe('URL transport inference', () => {
  it.each(SSE_PATHS)('%s gives legacy SSE', (urlPath) => {
    expect(inferTransportKind(`http://example.com${urlPath}`)).toBe('sse');
    expect(inferTransportKind(new URL(`https://example.com:8443${urlPath}`))).toBe('sse');
    expect(createConnector(`http://example.com${urlPath}`).kind).toBe('sse');
  });

  it.each(HTTP_PATHS)('%s gives streamable HTTP', (urlPath) => {
    expect(inferTransportKind(`http://example.com${urlPath}`)).toBe('streamable-http');
    expect(createConnector(`https://example.com${urlPath}`).kind).toBe('streamable-http');
  });

  it('looks only at the path, not the host or the query', () => {
    expect(inferTransportKind('http://sse.example.com/mcp?next=/sse')).toBe('streamable-http');
  });

  it('lets an explicit transport override inference', () => {
    expect(resolveTarget({ url: 'http://h/sse', transport: 'http' }).kind).toBe('streamable-http');
    expect(resolveTarget({ url: 'http://h/sse', transport: 'streamable-http' }).kind).toBe(
      'streamable-http',
    );
    expect(resolveTarget({ url: 'http://h/mcp', transport: 'sse' }).kind).toBe('sse');
    const error = invalidTarget(() =>
      resolveTarget({ url: 'http://h/mcp', transport: 'ws' as any }),
    );
    expect(error.message).toBe('Unknown HTTP transport: ws');
  });

  it('keeps the URL verbatim, trailing slash included', () => {
    const resolved = resolveTarget('http://127.0.0.1:9/mcp/');
    expect(resolved).toEqual({
      kind: 'streamable-http',
      target: { url: 'http://127.0.0.1:9/mcp/' },
    });
    const url = new URL('https://example.com/sse/');
    expect(resolveTarget(url).target).toEqual({ url });
  });

  it('rejects non-HTTP URLs', () => {
    expect(invalidTarget(() => inferTransportKind('ftp://example.com/sse')).message).toBe(
      'Not an HTTP URL: ftp://example.com/sse',
    );
  });
});

describe('target resolution', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transports-inference-'));
    for (const name of ['server.py', 'server.cjs', 'server.js', 'notes.txt']) {
      fs.writeFileSync(path.join(dir, name), '');
    }
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs .js, .mjs and .cjs files with this Node and .py files with python3', () => {
    expect(resolveTarget(envServerScript)).toEqual({
      kind: 'stdio',
      target: { command: process.execPath, args: [envServerScript], name: 'envServer.mjs' },
    });
    for (const name of ['server.cjs', 'server.js']) {
      expect(resolveTarget(path.join(dir, name)).target).toMatchObject({
        command: process.execPath,
      });
    }
    expect(resolveTarget(path.join(dir, 'server.py')).target).toEqual({
      command: 'python3',
      args: [path.join(dir, 'server.py')],
      name: 'server.py',
    });
  });

  it('rejects strings that are neither a URL nor a script file', () => {
    expect(invalidTarget(() => createConnector('not-a-thing')).message).toBe(
      'Not a URL or a script file: not-a-thing',
    );
    expect(invalidTarget(() => resolveTarget('/no/such/server.js')).message).toBe(
      'Not a URL or a script file: /no/such/server.js',
    );
    const txt = path.join(dir, 'notes.txt');
    expect(invalidTarget(() => resolveTarget(txt)).message).toBe(
      `Not a URL or a script file: ${txt}`,
    );
    expect(invalidTarget(() => resolveTarget('ws://user:pw@host/x')).message).toBe(
      'Not a URL or a script file: ws://host/x',
    );
  });

  it('recognises object targets by their fields', () => {
    const server = new McpServer({ name: 's', version: '1.0.0' });
    expect(resolveTarget({ command: 'node', args: ['x.js'] }).kind).toBe('stdio');
    expect(resolveTarget({ url: 'https://example.com/mcp' }).kind).toBe('streamable-http');
    expect(resolveTarget({ server }).kind).toBe('in-memory');
    expect(resolveTarget({ server: () => server }).kind).toBe('in-memory');
    expect(resolveTarget(server)).toEqual({ kind: 'in-memory', target: { server } });

    expect(isStdioTarget({ command: 'x' })).toBe(true);
    expect(isHttpTarget({ url: 'http://h' })).toBe(true);
    expect(isHttpTarget(new URL('http://h'))).toBe(false);
    expect(isInProcessTarget({ server })).toBe(true);
    expect(isInProcessTarget(server)).toBe(false);
    expect(isConnectableServer(server)).toBe(true);
    expect(isConnectableServer({ connect: 1 })).toBe(false);
  });

  it('rejects anything else, naming what it got but not its values', () => {
    expect(invalidTarget(() => resolveTarget({ token: 'secret' } as any)).message).toBe(
      'Not a backend target: object with keys token',
    );
    expect(invalidTarget(() => resolveTarget(42 as any)).message).toBe(
      'Not a backend target: number',
    );
    expect(invalidTarget(() => resolveTarget(null as any)).message).toBe(
      'Not a backend target: null',
    );
    expect(invalidTarget(() => resolveTarget({ command: '' })).message).toBe(
      'Stdio target needs a non-empty command: empty string',
    );
    expect(invalidTarget(() => resolveTarget({ server: 3 } as any)).message).toBe(
      'In-process target needs a server or a server factory: number',
    );
    expect(invalidTarget(() => resolveTarget({ url: 'http://[::1' })).message).toBe(
      'Invalid URL: http://[::1',
    );
  });
});

describe('names and descriptions', () => {
  it('defaults the name to the command base name, the URL host, or in-process', () => {
    expect(createConnector({ command: '/usr/local/bin/my-server' }).name).toBe('my-server');
    expect(createConnector({ command: 'x', name: 'custom' }).name).toBe('custom');
    expect(createConnector('https://api.example.com:8443/mcp').name).toBe('api.example.com:8443');
    expect(createConnector({ url: 'https://h/mcp', name: 'remote' }).name).toBe('remote');
    expect(createConnector({ server: () => new McpServer({ name: 's', version: '1' }) }).name).toBe(
      'in-process',
    );
  });

  it('never shows credentials, queries or environment values', () => {
    const http = createConnector({
      url: 'https://user:pass@example.com/mcp?api_key=secret#frag',
      headers: { 'X-Api-Key': 'header-secret' },
      auth: 'token-secret',
    });
    expect(http.describe()).toBe('streamable-http backend example.com: https://example.com/mcp');
    const stdio = createConnector({
      command: '/usr/bin/server',
      args: ['--token', 'arg-secret'],
      env: { KEY: 'env-secret' },
    });
    expect(stdio.describe()).toBe('stdio backend server: /usr/bin/server');
    expect(
      createConnector({ server: () => new McpServer({ name: 's', version: '1' }) }).describe(),
    ).toBe('in-memory backend in-process');
    expect(redactUrl('http://a:b@h:1/sse?q=1')).toBe('http://h:1/sse');
  });
});
