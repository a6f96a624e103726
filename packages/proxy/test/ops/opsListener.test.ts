import { request } from 'node:http';
import { healthzRoute, type OpsListener, startOpsListener } from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';

const listeners: OpsListener[] = [];

afterEach(async () => {
  for (const listener of listeners.splice(0)) await listener.close();
});

/** A GET (or another method) sent with the Host header given, which fetch cannot set. */
function send(
  listener: OpsListener,
  path: string,
  host: string,
  method = 'GET',
): Promise<{ status: number; allow?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: listener.port, path, method, headers: { host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the operations listener (--metrics-port)', () => {
  it('answers only Host headers naming loopback, the bound host or an allowed host', async () => {
    const listener = await startOpsListener({
      routes: [healthzRoute()],
      port: 0,
      allowedHosts: ['metrics.internal'],
    });
    listeners.push(listener);
    const port = listener.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'metrics.internal:9464']) {
      expect((await send(listener, '/healthz', host)).status, host).toBe(200);
    }
    // A DNS-rebinding page reaches the socket under its own name: refused.
    const rebound = await send(listener, '/healthz', `attacker.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(rebound.body).toContain('Host not allowed');
    // A name that only starts like an allowed one is not allowed.
    expect((await send(listener, '/healthz', 'localhost.attacker.example')).status).toBe(421);
  });

  it('gives 404 for unknown paths and 405 with Allow for other methods, and keeps serving', async () => {
    const listener = await startOpsListener({ routes: [healthzRoute()], port: 0 });
    listeners.push(listener);
    const host = `127.0.0.1:${listener.port}`;
    expect((await send(listener, '/nope', host)).status).toBe(404);
    const posted = await send(listener, '/healthz', host, 'POST');
    expect(posted.status).toBe(405);
    expect(posted.allow).toBe('GET, HEAD');
    expect((await send(listener, '/healthz', host, 'HEAD')).status).toBe(200);
    const after = await send(listener, '/healthz?probe=1', host);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body)).toEqual({ status: 'ok' });
  });
});
