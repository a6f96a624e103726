import { createDashboard, type Dashboard, type ProxyServer, serveHttp } from '@org/proxy';
import { waitFor } from '@org/test-utils';
import type { HttpServerHandle } from '@org/transports';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontHttp } from '../fixtures/fronts';
import { openSse, type SseReader } from './dashboardFixtures';
import { twoBackendProxy } from './twoBackendProxy';

const TOKEN = 'dashboard-sse-token-7777';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let proxy: ProxyServer | undefined;
let dashboard: Dashboard | undefined;
let http: HttpServerHandle | undefined;
const fronts: Front[] = [];
const streams: SseReader[] = [];

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  for (const front of fronts.splice(0)) await front.close();
  await dashboard?.close();
  await http?.close();
  await proxy?.close();
  proxy = dashboard = http = undefined;
});

async function serve(options: { authToken?: string; keepAliveMs?: number } = {}): Promise<string> {
  proxy = twoBackendProxy();
  dashboard = createDashboard(proxy, options);
  http = await serveHttp(proxy, {
    host: '127.0.0.1',
    port: 0,
    ...(options.authToken ? { authToken: options.authToken } : {}),
    routes: dashboard.routes,
  });
  return new URL('/dashboard/', http.url).href;
}

async function login(base: string, token: string): Promise<Response> {
  return fetch(`${base}login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
}

describe('the dashboard over HTTP', () => {
  it('streams a snapshot, then an event per call of two clients, with keep-alive comments', async () => {
    const base = await serve({ keepAliveMs: 50 });
    const stream = await openSse(`${base}events`, {});
    streams.push(stream);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream');
    await waitFor(() => stream.events.some((e) => e.event === 'snapshot'), { timeoutMs: 5000 });
    const first = JSON.parse(stream.events[0]!.data);
    expect(first.backends.map((b: { name: string }) => b.name)).toEqual(['alpha', 'beta']);
    const [a, b] = await Promise.all([
      frontHttp(http!.url, {}, 'one'),
      frontHttp(http!.url, {}, 'two'),
    ]);
    fronts.push(a!, b!);
    await a!.client.callTool({ name: 'alpha_whoami', arguments: {} });
    await b!.client.callTool({ name: 'beta_whoami', arguments: {} });
    await b!.client.callTool({ name: 'beta_note_add', arguments: { text: 'x' } });
    const calls = () =>
      stream.events
        .filter((e) => e.event === 'call')
        .map((e) => JSON.parse(e.data).call)
        .filter((c) => c.method === 'tools/call');
    await waitFor(() => calls().length === 3, { timeoutMs: 5000 });
    expect(calls().map((c) => [c.name, c.server, c.outcome])).toEqual([
      ['alpha_whoami', 'alpha', 'ok'],
      ['beta_whoami', 'beta', 'ok'],
      ['beta_note_add', 'beta', 'ok'],
    ]);
    expect(new Set(calls().map((c) => c.sessionId)).size).toBe(2);
    expect(stream.events.some((e) => e.event === 'session')).toBe(true);
    expect(stream.events.some((e) => e.event === 'backend')).toBe(true);
    await waitFor(() => stream.comments.includes('ping'), { timeoutMs: 5000 });
    // Closing the dashboard ends the stream.
    expect(dashboard!.connections()).toBe(1);
    await dashboard!.close();
    await stream.ended;
  });

  it('asks for the token when the front has one: redirect to login, 401 on the stream, OK with the cookie', async () => {
    const base = await serve({ authToken: TOKEN });
    const page = await fetch(base, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/dashboard/login');
    const anonymous = await fetch(`${base}events`);
    expect(anonymous.status).toBe(401);
    const form = await fetch(`${base}login`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="token"');
    // A wrong token is refused, and sets no cookie.
    const wrong = await login(base, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const forged = await fetch(`${base}events`, { headers: { cookie: 'mcp_dashboard=forged' } });
    expect(forged.status).toBe(401);
    // The right one sets an HttpOnly, SameSite=Strict cookie scoped to the dashboard.
    const right = await login(base, TOKEN);
    expect(right.status).toBe(303);
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/dashboard\//);
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(';')[0]!;
    const withCookie = await fetch(base, { headers: { cookie: pair } });
    expect(withCookie.status).toBe(200);
    expect(withCookie.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await withCookie.text()).toContain('id="calls"');
    const stream = await openSse(`${base}events`, { cookie: pair });
    streams.push(stream);
    expect(stream.status).toBe(200);
    // API clients may send the bearer token itself.
    const bearer = await openSse(`${base}events`, AUTH);
    streams.push(bearer);
    expect(bearer.status).toBe(200);
    const front = await frontHttp(http!.url, {}, 'one', undefined, AUTH);
    fronts.push(front);
    await front.client.callTool({ name: 'alpha_whoami', arguments: {} });
    for (const s of [stream, bearer]) {
      await waitFor(
        () =>
          s.events.some(
            (e) => e.event === 'call' && JSON.parse(e.data).call.name === 'alpha_whoami',
          ),
        { timeoutMs: 5000 },
      );
    }
    // The MCP endpoint itself still wants the bearer token.
    const mcp = await fetch(http!.url, { method: 'POST', headers: { cookie: pair } });
    expect(mcp.status).toBe(401);
  });
});
