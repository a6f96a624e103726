import { PassThrough } from 'node:stream';
import {
  configSecrets,
  createConsoleLogger,
  createJsonLogger,
  createProxy,
  defineTool,
  type HttpServerHandle,
  type Logger,
  type ProxyServer,
  parseMcpConfig,
  Redactor,
  redactingLogger,
  serveHttp,
  startAuditLog,
  startRequestLog,
} from '@org/proxy';
import { workspaceStdioCommand } from '@org/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Front, frontHttp } from '../fixtures/fronts';
import { labelOf } from '../isolation/fixtures';

const FRONT_TOKEN = 'front-token-7f3a9c';
const ENV_SECRET = 'env-secret-value-42';
const BEARER = 'bearer-tok-777xyz';
const URL_TOKEN = 'url-tok-999abc';
const COOKIE = 'cookie-sid-5e5e5e';
const PASSWORD = 'hunter2-password';
const SECRETS = [FRONT_TOKEN, ENV_SECRET, BEARER, URL_TOKEN, COOKIE, PASSWORD];

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

/** A logger passing every call to all of `loggers`. */
function tee(...loggers: Logger[]): Logger {
  const each =
    (level: keyof Logger) =>
    (message: string, ...meta: unknown[]) => {
      for (const logger of loggers) logger[level](message, ...meta);
    };
  return { debug: each('debug'), info: each('info'), warn: each('warn'), error: each('error') };
}

let proxy: ProxyServer | undefined;
let http: HttpServerHandle | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const front of fronts.splice(0)) await front.close();
  await http?.close();
  await proxy?.close();
  http = undefined;
  proxy = undefined;
});

describe('secret redaction', () => {
  it('keeps the Authorization header, config env values, bearer tokens and URL tokens out of the JSON log, the text log and the audit log', async () => {
    const config = parseMcpConfig({
      mcpServers: {
        alpha: {
          ...workspaceStdioCommand('r'),
          env: { WORKSPACE_PREFIX: 'r', UPSTREAM_API_KEY: ENV_SECRET },
        },
      },
    });
    const redactor = new Redactor(configSecrets(config));
    const json = collect();
    let text = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      text += String(chunk);
      return true;
    });
    const audit = collect();
    const logger = tee(
      createJsonLogger({ level: 'debug', stream: json.stream, redactor }),
      redactingLogger(createConsoleLogger('debug'), redactor),
    );
    proxy = createProxy(config, { logger });
    proxy.add(
      defineTool({
        name: 'leak',
        handler: () => {
          throw new Error(
            `upstream https://api.example.com/v1?access_token=${URL_TOKEN}&page=2 said ` +
              `"Bearer ${BEARER}" while using ${ENV_SECRET}`,
          );
        },
      }),
    );
    const stopLog = startRequestLog(proxy.observer, logger);
    const auditLog = await startAuditLog(proxy.observer, {
      destination: audit.stream,
      arguments: true,
      redactor,
    });
    http = await serveHttp(proxy, { port: 0, authToken: FRONT_TOKEN, logger });
    const front = await frontHttp(http.url, {}, 'client', undefined, {
      authorization: `Bearer ${FRONT_TOKEN}`,
      cookie: `sid=${COOKIE}`,
    });
    fronts.push(front);
    expect(await labelOf(front.client)).toMatch(/^r/);
    const leaked = await front.client.callTool({
      name: 'leak',
      arguments: { password: PASSWORD, query: `https://x.example/?token=${URL_TOKEN}` },
    });
    expect(leaked.isError).toBe(true);
    // What a component might log about a request it saw.
    logger.debug('incoming request', {
      headers: {
        Authorization: `Bearer ${FRONT_TOKEN}`,
        Cookie: `sid=${COOKIE}`,
        'Set-Cookie': `sid=${COOKIE}; HttpOnly`,
      },
      env: { WORKSPACE_PREFIX: 'r', UPSTREAM_API_KEY: ENV_SECRET },
    });
    logger.warn(`retrying https://user:${PASSWORD}@api.example.com/mcp?api_key=${URL_TOKEN}`);
    logger.error('upstream failed', new Error(`Authorization: Bearer ${BEARER}`));
    stopLog();
    await auditLog.close();

    const outputs = { json: json.text(), text, audit: audit.text() };
    for (const [where, output] of Object.entries(outputs)) {
      for (const secret of SECRETS) expect(output, `${where} has ${secret}`).not.toContain(secret);
      expect(output, where).toContain('[REDACTED]');
    }
    // What is not secret stays readable.
    expect(outputs.json).toContain('api.example.com');
    expect(outputs.json).toContain('page=2');
    expect(outputs.text).toContain('[warn] tools/call leak error');
    const leakLine = outputs.json
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.name === 'leak');
    expect(leakLine).toMatchObject({ level: 'warn', outcome: 'error' });
    expect(String(leakLine?.error)).toContain('Bearer [REDACTED]');
    const record = JSON.parse(outputs.audit.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(record).toMatchObject({
      name: 'leak',
      outcome: 'error',
      principal: 'bearer',
      arguments: { password: '[REDACTED]', query: 'https://x.example/?token=[REDACTED]' },
    });
  });

  it('masks secrets in text and values without changing what it was given', () => {
    const redactor = new Redactor(['short', 'a-long-secret']);
    // Too short to be taken as a secret: common words would vanish.
    expect(redactor.text('short a-long-secret')).toBe('short [REDACTED]');
    const value = { headers: { 'x-api-key': 'k1', accept: 'json' }, maxTokens: 5 };
    expect(redactor.value(value)).toEqual({
      headers: { 'x-api-key': '[REDACTED]', accept: 'json' },
      maxTokens: 5,
    });
    expect(value.headers['x-api-key']).toBe('k1');
    expect(redactor.text('refresh_token=abc&client_secret=def&x=1')).toBe(
      'refresh_token=[REDACTED]&client_secret=[REDACTED]&x=1',
    );
    expect(redactor.text('{"access_token":"abc","id":1}')).toBe(
      '{"access_token":"[REDACTED]","id":1}',
    );
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redactor.value(cyclic)).toEqual({ a: 1, self: '[...]' });
  });
});
