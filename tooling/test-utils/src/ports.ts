import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on: bound on 127.0.0.1, then released. Another process may
 * take it later; tests use it for a backend that is down, or one started on it afterwards.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('No port was bound');
  return address.port;
}
