import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../src/errors';
import { type HttpRoute, serveHttp } from '../../src/server/index';
import { useCleanup } from './fixtures/http';
import { countingFactory } from './fixtures/testServers';

const defer = useCleanup();
const TOKEN = 'route-token';

function text(body: string): HttpRoute['handle'] {
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`${body} ${req.method} ${req.url}`);
  };
}

async function serveWithRoutes(routes: HttpRoute[]) {
  const handle = await serveHttp(countingFactory().factory, { authToken: TOKEN, routes });
  defer(() => handle.close());
  return new URL(handle.url).origin;
}

describe('serveHttp extra routes', () => {
  it('serves exact and prefix routes, with the bearer token unless public', async () => {
    const origin = await serveWithRoutes([
      { path: '/readyz', public: true, handle: text('ready') },
      { path: '/metrics', handle: text('metrics') },
      { path: '/dash/', handle: text('dash') },
    ]);
    const ready = await fetch(`${origin}/readyz?verbose=1`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ready GET /readyz?verbose=1');
    const refused = await fetch(`${origin}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    const auth = { authorization: `Bearer ${TOKEN}` };
    const metrics = await fetch(`${origin}/metrics`, { headers: auth });
    expect(await metrics.text()).toBe('metrics GET /metrics');
    const page = await fetch(`${origin}/dash/app.js`, { headers: auth });
    expect(await page.text()).toBe('dash GET /dash/app.js');
    expect((await fetch(`${origin}/dashboard`, { headers: auth })).status).toBe(404);
  });

  it('answers 405 with Allow for another method, and keeps the Host check', async () => {
    const origin = await serveWithRoutes([
      { path: '/hook', public: true, methods: ['POST'], handle: text('hook') },
    ]);
    const wrong = await fetch(`${origin}/hook`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const posted = await fetch(`${origin}/hook`, { method: 'POST' });
    expect(await posted.text()).toBe('hook POST /hook');
    const port = new URL(origin).port;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/hook',
          method: 'POST',
          headers: { host: 'evil.example' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('answers 500 when a handler throws, and keeps serving', async () => {
    const origin = await serveWithRoutes([
      {
        path: '/broken',
        public: true,
        handle: () => {
          throw new Error('handler bug');
        },
      },
      { path: '/fine', public: true, handle: text('fine') },
    ]);
    expect((await fetch(`${origin}/broken`)).status).toBe(500);
    expect((await fetch(`${origin}/fine`)).status).toBe(200);
  });

  it('refuses a route path that is malformed or taken by another endpoint, naming it', async () => {
    const factory = countingFactory().factory;
    await expect(
      serveHttp(factory, { routes: [{ path: 'metrics', handle: text('x') }] }),
    ).rejects.toThrow(/routes\[0\]\.path/);
    await expect(
      serveHttp(factory, { routes: [{ path: '/mcp', handle: text('x') }] }),
    ).rejects.toBeInstanceOf(ProxyError);
  });
});
