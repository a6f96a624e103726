import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/server/index';
import { initializeRequest, post, useCleanup } from './fixtures/http';
import { countingFactory } from './fixtures/testServers';

const defer = useCleanup();

async function serve(options: Parameters<typeof serveHttp>[1] = {}) {
  const counter = countingFactory();
  const handle = await serveHttp(counter.factory, options);
  defer(() => handle.close());
  return { handle, counter };
}

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST' },
  });
}

/** The CORS headers of a response (any `access-control-*`). */
function corsHeaders(response: Response): Record<string, string> {
  return Object.fromEntries(
    [...response.headers].filter(([name]) => name.startsWith('access-control-')),
  );
}

describe('serveHttp CORS with a list of origins', () => {
  const listed = 'https://app.example';

  it('answers preflights and requests from a listed origin with CORS headers', async () => {
    // Listed with another case and a trailing slash: origins are compared normalised.
    const { handle, counter } = await serve({ cors: ['https://App.Example/'] });
    const answer = await preflight(handle.url, listed);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(listed);
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE, OPTIONS');
    expect(answer.headers.get('vary')).toBe('Origin');

    // A listed origin passes the Origin check too, without being in allowedOrigins.
    const init = await post(handle.url, initializeRequest(), { origin: listed });
    expect(init.status).toBe(200);
    expect(init.headers.get('access-control-allow-origin')).toBe(listed);
    expect(init.headers.get('access-control-expose-headers')).toBe('mcp-session-id');
    await init.body?.cancel();
    expect(counter.sessions).toHaveLength(1);
  });

  it('refuses a foreign origin that is not listed with 403 and no CORS headers', async () => {
    const { handle, counter } = await serve({ cors: [listed] });
    const answer = await preflight(handle.url, 'https://evil.example');
    expect(answer.status).toBe(403);
    expect(corsHeaders(answer)).toEqual({});
    await answer.body?.cancel();
    const init = await post(handle.url, initializeRequest(), { origin: 'https://evil.example' });
    expect(init.status).toBe(403);
    expect(corsHeaders(init)).toEqual({});
    await init.body?.cancel();
    expect(counter.sessions).toHaveLength(0);
  });

  it('serves a loopback origin that is not listed, without CORS headers', async () => {
    // Loopback origins pass the DNS rebinding check, but CORS is granted to listed origins only:
    // a browser page on another local port cannot read the answers.
    const { handle } = await serve({ cors: [listed] });
    const answer = await preflight(handle.url, 'http://localhost:5173');
    expect(answer.status).toBe(204);
    expect(corsHeaders(answer)).toEqual({});
    const init = await post(handle.url, initializeRequest(), { origin: 'http://localhost:5173' });
    expect(init.status).toBe(200);
    expect(corsHeaders(init)).toEqual({});
    await init.body?.cancel();
  });
});

describe('serveHttp with CORS off (the default)', () => {
  it('adds no CORS headers, even for accepted origins', async () => {
    const allowed = 'https://app.example';
    const { handle } = await serve({ allowedOrigins: [allowed] });
    for (const origin of ['http://localhost:6274', allowed]) {
      const answer = await preflight(handle.url, origin);
      expect(answer.status, origin).toBe(204);
      expect(answer.headers.get('allow'), origin).toBe('GET, POST, DELETE');
      expect(corsHeaders(answer), origin).toEqual({});
      const init = await post(handle.url, initializeRequest(), { origin });
      expect(init.status, origin).toBe(200);
      expect(corsHeaders(init), origin).toEqual({});
      await init.body?.cancel();
    }
  });
});

describe('serveHttp with cors: true', () => {
  it('still refuses a foreign origin with 403 and no CORS headers', async () => {
    const { handle, counter } = await serve({ cors: true });
    const answer = await preflight(handle.url, 'https://evil.example');
    expect(answer.status).toBe(403);
    expect(corsHeaders(answer)).toEqual({});
    await answer.body?.cancel();
    expect(counter.sessions).toHaveLength(0);
  });
});
