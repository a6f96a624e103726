import type { ServerResponse } from 'node:http';

function html(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Answers a browser with a small page: a title and one sentence, never cached. */
export function signInPage(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end(
    `<!doctype html><meta charset="utf-8"><title>${html(title)}</title><body style="font-family: sans-serif; margin: 3em"><h1>${html(title)}</h1><p>${html(text)}</p></body>`,
  );
}

/** Sends the browser on to `url`. */
export function redirectTo(res: ServerResponse, url: URL | string): void {
  res.writeHead(302, { location: String(url), 'cache-control': 'no-store' });
  res.end();
}
