import { ProxyClient } from '@org/proxy-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBackend } from './fixtures/backendServer';
import { connectFront, FULL_FRONT } from './fixtures/front';
import { recordingLogger, relayCall } from './fixtures/harness';
import { createRelay } from './fixtures/relayServer';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const release of cleanup.splice(0).reverse()) await release();
});

/** A shared (unbound) client to a fresh in-memory backend; `logger` omitted means the default. */
function sharedClient(name: string, logger?: ReturnType<typeof recordingLogger>) {
  const backend = createBackend();
  const client = new ProxyClient(
    { server: backend.server, name },
    { capabilities: FULL_FRONT, ...(logger ? { logger } : {}) },
  );
  cleanup.push(
    () => backend.server.close(),
    () => client.dispose(),
  );
  return { backend, client };
}

describe('what the backend sends with no client to forward it to', () => {
  it('a log message sent between front requests is dropped with a warning, then at debug level', async () => {
    const logger = recordingLogger();
    const { backend, client } = sharedClient('between', logger);
    const relay = createRelay(() => client);
    const front = await connectFront(relay);
    cleanup.push(
      () => relay.close(),
      () => front.close(),
    );
    await relayCall(front, 'get');
    // The backend logs on its own, outside any request: no front request is in flight, and a
    // shared client belongs to no front session.
    const session = backend.server.sessions[0]!.server;
    await session.sendLoggingMessage({ level: 'error', data: 'first' });
    expect(await logger.line(/Dropped a log message/)).toBe(
      'warn: Dropped a log message from backend between: no client request or client session to forward it to (further drops of log messages from this backend are logged at debug level)',
    );
    await session.sendLoggingMessage({ level: 'error', data: 'second' });
    expect(await logger.line(/^debug: Dropped a log message/)).toBe(
      'debug: Dropped a log message from backend between: no client request or client session to forward it to',
    );
    expect(logger.lines.filter((line) => line.startsWith('warn:'))).toHaveLength(1);
    expect(front.logs).toEqual([]);
  });

  it('progress of a request made outside any front request is dropped with a warning, once', async () => {
    const logger = recordingLogger();
    const { client } = sharedClient('programmatic', logger);
    // A programmatic call: the backend reports progress, there is no front request to report to.
    await client.callTool('progress', { steps: 3 });
    const drops = logger.lines.filter((line) => /Dropped progress/.test(line));
    expect(drops).toEqual([
      'warn: Dropped progress from backend programmatic: no client request to report it to (further drops of progress from this backend are logged at debug level)',
      'debug: Dropped progress from backend programmatic: no client request to report it to',
      'debug: Dropped progress from backend programmatic: no client request to report it to',
    ]);
  });

  it('without a logger, the warning reaches standard error (once), and nothing reaches standard output', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write');
    const { client } = sharedClient('default-logger');
    await client.callTool('log', {
      entries: [
        { level: 'error', data: 'lost 1' },
        { level: 'error', data: 'lost 2' },
      ],
    });
    const written = stderr.mock.calls.map(([chunk]) => String(chunk));
    stderr.mockRestore();
    const drops = written.filter((line) => line.includes('from backend default-logger'));
    expect(drops).toEqual([
      '@org/proxy-client [warn] Dropped a log message from backend default-logger: no client request or client session to forward it to (further drops of log messages from this backend are logged at debug level)\n',
    ]);
    expect(stdout.mock.calls.filter(([chunk]) => String(chunk).includes('default-logger'))).toEqual(
      [],
    );
  });
});
