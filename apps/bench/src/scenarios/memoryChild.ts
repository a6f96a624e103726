/**
 * Entry point of the child process of the memory scenario (`dist/memoryChild.js <target>`, run
 * with `--expose-gc` and an IPC channel): it serves over streamable HTTP a per-session proxy of an
 * in-process echo backend (`proxy`) or, for reference, the echo server alone (`plain`), and
 * answers memory readings taken after garbage collection.
 */
import { createProxy, serveHttp } from '@org/proxy';
import { createEchoServer } from '../backends/echoServer';
import type { ChildMessage, MemoryReading, MemoryTarget, ParentMessage } from './memoryProtocol';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('The memory child needs --expose-gc');
const collect = gc;

const target = (process.argv[2] ?? 'proxy') as MemoryTarget;
const proxy =
  target === 'proxy'
    ? createProxy({ server: () => createEchoServer() }, { strategy: 'per-session' })
    : undefined;
const http = await serveHttp(proxy ?? (() => createEchoServer()), { host: '127.0.0.1', port: 0 });

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function reading(): Promise<MemoryReading> {
  for (let i = 0; i < 4; i += 1) {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
  }
  collect();
  const usage = process.memoryUsage();
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    sessions: http.sessionCount(),
    sockets: process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length,
  };
}

async function stop(): Promise<void> {
  await http.close();
  await proxy?.close();
  process.disconnect();
}

process.on('message', (message: ParentMessage) => {
  const work =
    message.type === 'measure' ? reading().then((r) => send({ type: 'reading', ...r })) : stop();
  work.catch((error: unknown) => send({ type: 'error', message: String(error) }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', url: http.url });
