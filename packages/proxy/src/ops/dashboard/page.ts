/**
 * The dashboard's page, its style and its script, as strings shipped in the package (no CDN,
 * no file to find at run time). The script builds every element with `textContent` and
 * `setAttribute`: what backends send (names, errors) is never parsed as HTML.
 */

/** The page's style sheet, served as `app.css`. @internal */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --ok: #2e7d32; --warn: #b26a00; --bad: #c62828; --idle: #757575; --line: #8884; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; padding: 1rem 1.5rem; }
h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
h2 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
#status { color: var(--idle); font-size: .85rem; }
#status.live { color: var(--ok); }
.backends { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: .75rem; }
.backend { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .75rem; }
.backend header { display: flex; justify-content: space-between; align-items: baseline; gap: .5rem; }
.backend .name { font-weight: 600; overflow-wrap: anywhere; }
.state { font-size: .75rem; font-weight: 600; text-transform: uppercase; padding: .05rem .4rem; border-radius: 3px; color: #fff; }
.state.up { background: var(--ok); } .state.degraded { background: var(--warn); }
.state.down { background: var(--bad); } .state.idle { background: var(--idle); }
.backend .meta, .backend .error { font-size: .8rem; color: var(--idle); }
.backend .error { color: var(--bad); overflow-wrap: anywhere; }
svg.chart { width: 100%; height: 48px; display: block; margin-top: .35rem; }
svg.chart rect { fill: #1976d2; } svg.chart rect.slow { fill: var(--warn); }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.error td.outcome { color: var(--bad); font-weight: 600; } tr.cancelled td.outcome { color: var(--warn); }
td.err { color: var(--bad); overflow-wrap: anywhere; max-width: 30rem; }
code { font-size: .8rem; }
form.login { max-width: 22rem; margin: 3rem auto; display: grid; gap: .5rem; }
form.login input, form.login button { font: inherit; padding: .4rem; }
p.refused { color: var(--bad); }
`;

/** The page's script, served as `app.js`: one EventSource, every update drawn with the DOM API. @internal */
export const DASHBOARD_JS = `
'use strict';
(() => {
  const MAX_CALLS = 200;
  const byId = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  };
  const SVG = 'http://www.w3.org/2000/svg';
  const short = (id) => (id.length > 8 ? id.slice(0, 8) + '…' : id);
  const time = (ms) => new Date(ms).toLocaleTimeString();
  const backends = new Map();
  const sessions = new Map();

  function chart(svg, latencies) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const width = 240, height = 48, n = Math.max(latencies.length, 1);
    const max = Math.max(1, ...latencies);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p90 = sorted[Math.floor(sorted.length * 0.9)] ?? 0;
    const bar = width / Math.max(n, 20);
    latencies.forEach((ms, i) => {
      const h = Math.max(1, (ms / max) * (height - 2));
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', String(i * bar));
      rect.setAttribute('y', String(height - h));
      rect.setAttribute('width', String(Math.max(1, bar - 1)));
      rect.setAttribute('height', String(h));
      if (latencies.length >= 5 && ms >= p90) rect.setAttribute('class', 'slow');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = ms + ' ms';
      rect.appendChild(title);
      svg.appendChild(rect);
    });
    svg.setAttribute('data-samples', String(latencies.length));
  }

  function drawBackend(b) {
    let card = backends.get(b.name);
    if (!card) {
      card = el('section', { class: 'backend', 'data-backend': b.name });
      const header = el('header');
      header.append(el('span', { class: 'name' }, b.name), el('span', { class: 'state' }));
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('class', 'chart');
      svg.setAttribute('viewBox', '0 0 240 48');
      svg.setAttribute('preserveAspectRatio', 'none');
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', 'recent latencies of ' + b.name);
      card.append(header, el('div', { class: 'meta' }), svg, el('div', { class: 'error' }));
      backends.set(b.name, card);
      const list = byId('backends');
      const after = [...list.children].find((c) => c.getAttribute('data-backend') > b.name);
      list.insertBefore(card, after || null);
    }
    const state = card.querySelector('.state');
    state.textContent = b.state;
    state.setAttribute('class', 'state ' + b.state);
    card.setAttribute('data-state', b.state);
    const last = b.latencies.length ? b.latencies[b.latencies.length - 1] + ' ms last' : 'no requests yet';
    card.querySelector('.meta').textContent =
      b.sessions + ' session(s) · ' + b.requests + ' request(s) · ' + b.errors + ' error(s) · ' + last;
    card.querySelector('.error').textContent = b.lastError ? 'last error: ' + b.lastError : '';
    chart(card.querySelector('svg'), b.latencies);
  }

  function drawSessions(count) {
    byId('session-count').textContent = String(count);
    const body = byId('sessions');
    while (body.firstChild) body.removeChild(body.firstChild);
    const list = [...sessions.values()].sort((a, b) => b.openedAt - a.openedAt).slice(0, 100);
    for (const s of list) {
      const row = el('tr', { 'data-session': s.id, title: s.id });
      row.append(el('td', {}, short(s.id)), el('td', {}, time(s.openedAt)), el('td', { class: 'num' }, s.requests));
      body.appendChild(row);
    }
  }

  function addCall(c) {
    const row = el('tr', { class: 'call ' + c.outcome });
    row.append(
      el('td', {}, time(c.at)),
      el('td', {}, c.method),
      el('td', {}, c.name ?? ''),
      el('td', {}, c.server ?? ''),
      el('td', { class: 'num' }, Math.round(c.durationMs * 10) / 10),
      el('td', { class: 'outcome' }, c.outcome),
      el('td', { class: 'err' }, c.error ?? ''),
      el('td', { title: c.sessionId }, short(c.sessionId)),
    );
    const body = byId('calls');
    body.insertBefore(row, body.firstChild);
    while (body.children.length > MAX_CALLS) body.removeChild(body.lastChild);
    byId('call-count').textContent = String(body.children.length);
  }

  function snapshot(s) {
    backends.clear();
    const list = byId('backends');
    while (list.firstChild) list.removeChild(list.firstChild);
    for (const b of s.backends) drawBackend(b);
    sessions.clear();
    for (const x of s.sessions.list) sessions.set(x.id, x);
    drawSessions(s.sessions.count);
    const body = byId('calls');
    while (body.firstChild) body.removeChild(body.firstChild);
    for (const c of s.calls) addCall(c);
  }

  let count = 0;
  const on = (type, fn) => source.addEventListener(type, (e) => {
    try { fn(JSON.parse(e.data)); } catch (error) { console.error(error); }
  });
  const source = new EventSource('events');
  const status = byId('status');
  source.onopen = () => { status.textContent = 'live'; status.className = 'live'; };
  source.onerror = () => { status.textContent = 'disconnected, retrying…'; status.className = ''; };
  on('snapshot', snapshot);
  on('call', (u) => {
    addCall(u.call);
    if (u.session && sessions.has(u.session.id)) { sessions.set(u.session.id, u.session); drawSessions(count); }
  });
  on('session', (u) => {
    count = u.count;
    if (u.change === 'opened') sessions.set(u.session.id, u.session); else sessions.delete(u.session.id);
    drawSessions(count);
  });
  on('backend', (u) => drawBackend(u.backend));
  on('snapshot', (s) => { count = s.sessions.count; });
})();
`;

const HEAD = (title: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><link rel="stylesheet" href="app.css"></head>`;

/** The dashboard page: its script fills it from the event stream. @internal */
export const DASHBOARD_HTML = `${HEAD('MCP proxy dashboard')}<body>
<h1>MCP proxy dashboard</h1><div id="status">connecting…</div>
<h2>Backends</h2><div id="backends" class="backends"></div>
<h2>Front sessions: <span id="session-count">0</span></h2>
<table><thead><tr><th>Session</th><th>Opened</th><th>Requests</th></tr></thead><tbody id="sessions"></tbody></table>
<h2>Last calls (<span id="call-count">0</span>)</h2>
<table><thead><tr><th>At</th><th>Method</th><th>Name</th><th>Server</th><th>ms</th><th>Outcome</th><th>Error</th><th>Session</th></tr></thead><tbody id="calls"></tbody></table>
<script src="app.js"></script></body></html>`;

/** The login form, for a front with a bearer token; `refused` adds the refusal line. @internal */
export function loginHtml(refused: boolean, asks: 'static' | 'oauth' = 'static'): string {
  const line = refused ? '<p class="refused">Wrong token.</p>' : '';
  const label =
    asks === 'oauth' ? 'An OAuth access token for this proxy' : "The proxy's bearer token";
  return `${HEAD('MCP proxy dashboard: sign in')}<body>
<form class="login" method="post" action="login"><h1>MCP proxy dashboard</h1>
<label for="token">${label}</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
${line}<button type="submit">Open the dashboard</button></form></body></html>`;
}
