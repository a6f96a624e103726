import { startIssuer, workspaceServerScript } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { startCli } from '../cli/cliProcess';
import { RESOURCE } from '../policy/oauthFront';
import { Cleanup } from '../reliability/fixtures/harness';

// Promise: behind an OAuth front the CLI's dashboard signs a browser in with an access token
// the front accepts and that holds the dashboard's scope: the token is checked once and not
// kept (the cookie is a random sign-in id), other tokens are refused, and signing out ends it.

const BACKEND = ['--', process.execPath, workspaceServerScript(), 'stdio'];

describe('the dashboard behind an OAuth front', () => {
  it('signs in with a token holding the dashboard scope, and out again', async () => {
    const cleanup = new Cleanup();
    try {
      const issuer = cleanup.add(
        await startIssuer(['ops', 'dev'], ['mcp:tools', 'mcp:admin']),
        (i) => i.close(),
      );
      const cli = cleanup.add(
        startCli([
          ...[
            '--transport',
            'http',
            '--port',
            '0',
            '--dashboard',
            '--dashboard-scope',
            'mcp:admin',
          ],
          ...[
            '--oauth-issuer',
            issuer.url,
            '--oauth-resource',
            RESOURCE,
            '--oauth-scope',
            'mcp:tools',
          ],
          ...BACKEND,
        ]),
        (c) => c.stop(),
      );
      const [, url] = await cli.waitForStderr(/Dashboard at (http:\/\/\S+)/);
      const origin = new URL(url!).origin;
      const login = (token: string) =>
        fetch(`${url}login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
          body: new URLSearchParams({ token }),
        });
      const form = await fetch(`${url}login`);
      expect(await form.text()).toContain('An OAuth access token for this proxy');

      // A token of the front without the dashboard's scope, and one for another resource.
      const narrow = await issuer.token('dev', RESOURCE, 'mcp:tools');
      expect((await login(narrow)).status).toBe(401);
      const elsewhere = await issuer.token(
        'ops',
        'https://other.example.test/mcp',
        'mcp:tools mcp:admin',
      );
      expect((await login(elsewhere)).status).toBe(401);

      const admin = await issuer.token('ops', RESOURCE, 'mcp:tools mcp:admin');
      const signedIn = await login(admin);
      expect(signedIn.status).toBe(303);
      const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
      expect(cookie).toMatch(/^mcp_dashboard=[\w-]{40,}$/);
      expect(cookie).not.toContain(admin.slice(0, 20));
      const page = await fetch(url!, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('MCP proxy dashboard');
      // The bearer header works too, with the same checks.
      expect((await fetch(url!, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(
        200,
      );
      expect(
        (await fetch(url!, { redirect: 'manual', headers: { authorization: `Bearer ${narrow}` } }))
          .status,
      ).toBe(303);

      const out = await fetch(`${url}logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, origin },
      });
      expect(out.status).toBe(303);
      expect((await fetch(url!, { redirect: 'manual', headers: { cookie } })).status).toBe(303);
      expect(cli.stderr()).not.toContain(admin);
    } finally {
      await cleanup.run();
    }
  });
});
