import { existsSync } from 'node:fs';
import { createDashboard, type Dashboard, type ProxyServer, serveHttp } from '@org/proxy';
import { isPidAlive, within } from '@org/test-utils';
import type { HttpServerHandle } from '@org/transports';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Front, frontHttp } from '../fixtures/fronts';
import { twoBackendProxy } from './twoBackendProxy';

/** The few DOM members the page functions use (they run in the browser; no DOM lib here). */
interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  readonly body: PageElement;
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'dashboard-browser-token-5150';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let proxy: ProxyServer;
let dashboard: Dashboard;
let http: HttpServerHandle;
let browser: Browser | undefined;
const fronts: Front[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  proxy = twoBackendProxy();
  dashboard = createDashboard(proxy, { authToken: TOKEN });
  http = await serveHttp(proxy, {
    host: '127.0.0.1',
    port: 0,
    authToken: TOKEN,
    routes: dashboard.routes,
  });
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox'],
  });
});

afterAll(async () => {
  for (const front of fronts.splice(0)) await front.close();
  const pid = browser?.process()?.pid;
  await within(browser?.close() ?? Promise.resolve(), 10_000, 'the browser to close').catch(() => {
    if (pid !== undefined && isPidAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  await dashboard?.close();
  await http?.close();
  await proxy?.close();
});

describe('the dashboard in a real browser', () => {
  it('signs in with the token and shows live calls, backend health and latency charts', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const base = new URL('/dashboard/', http.url).href;
    await page.goto(base, { timeout: 15_000 });
    // Without the cookie the page redirects to the login form.
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.type('#token', TOKEN);
    await Promise.all([
      page.waitForNavigation({ timeout: 15_000 }),
      page.click('button[type=submit]'),
    ]);
    const body = await page.evaluate(() => document.body.textContent ?? '');
    expect(new URL(page.url()).pathname, body).toBe('/dashboard/');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'live', {
      timeout: 15_000,
    });
    // A client makes calls while the page is open; a name with markup is shown as text.
    const [a, b] = await Promise.all([
      frontHttp(http.url, {}, 'one', undefined, AUTH),
      frontHttp(http.url, {}, 'two', undefined, AUTH),
    ]);
    fronts.push(a!, b!);
    await a!.client.callTool({ name: 'alpha_whoami', arguments: {} });
    await b!.client.callTool({ name: 'beta_whoami', arguments: {} });
    for (let i = 0; i < 5; i += 1) {
      await a!.client.callTool({ name: 'alpha_note_add', arguments: { text: `n${i}` } });
    }
    await a!.client
      .callTool({ name: '<img src=x onerror=alert(1)>', arguments: {} })
      .catch(() => undefined);
    await page.waitForFunction(
      () => {
        const rows = Array.from(document.querySelectorAll('#calls tr')).map(
          (r) => r.textContent ?? '',
        );
        return (
          rows.some((r) => r.includes('alpha_whoami') && r.includes('alpha')) &&
          rows.some((r) => r.includes('beta_whoami')) &&
          rows.filter((r) => r.includes('alpha_note_add')).length === 5 &&
          rows.some((r) => r.includes('<img src=x'))
        );
      },
      { timeout: 15_000 },
    );
    await page.waitForFunction(
      () =>
        ['alpha', 'beta'].every(
          (name) =>
            document.querySelector(`[data-backend="${name}"]`)?.getAttribute('data-state') === 'up',
        ),
      { timeout: 15_000 },
    );
    await page.waitForFunction(
      () => (document.querySelectorAll('[data-backend="alpha"] svg.chart rect').length ?? 0) >= 5,
      { timeout: 15_000 },
    );
    const shown = await page.evaluate(() => ({
      sessions: document.getElementById('session-count')?.textContent,
      injected: document.querySelectorAll('#calls img').length,
      heights: Array.from(document.querySelectorAll('[data-backend="alpha"] svg.chart rect')).map(
        (r) => Number(r.getAttribute('height')),
      ),
      states: Array.from(document.querySelectorAll('.backend .state')).map((s) => s.textContent),
    }));
    expect(shown.sessions).toBe('2');
    expect(shown.injected).toBe(0);
    expect(shown.heights.every((h) => h > 0)).toBe(true);
    expect(shown.states).toEqual(['up', 'up']);
    expect(errors).toEqual([]);
    await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT ?? '/tmp/dashboard.png' });
    await page.close();
  });
});
