import { parseArgs } from 'node:util';
import {
  defaultTokenStorePath,
  errorMessage,
  FileTokenStore,
  type HttpTarget,
  loadMcpConfig,
  loginBackend,
  mcpConfigServers,
  type OAuthBackendOptions,
  type OAuthGrantEntry,
  type OAuthTokenStore,
  revokeOAuthGrant,
} from '@org/transports';
import { CLI_NAME } from './cliConfig';
import { integer, usageError } from './cliValues';

/** The usage of `login`, `logout` and `auth status`. */
export const AUTH_USAGE = `Usage:
  ${CLI_NAME} login <server | url> [--config <mcp.json>] [--principal <subject>] [--scope <scopes>]
                    [--store <file>] [--timeout <seconds>]
  ${CLI_NAME} logout <server | url> [--config <mcp.json>] [--principal <subject>] [--store <file>]
  ${CLI_NAME} auth status [--config <mcp.json>] [--store <file>]

login signs in to a backend that requires OAuth: it prints the authorization URL to open in
a browser and waits (default 300 s) for the redirect on a loopback port, then stores the
grant (mode 0600). With --config, <server> names an entry with an "oauth" block; its client
id, scopes, redirect port and token store are used. --principal stores the grant of a front
caller (the subject of its OAuth token) rather than the proxy's own.
logout forgets a grant (and revokes its tokens where the authorization server offers RFC 7009
revocation). auth status lists the stored grants without their secrets.
The store is --store, else the entry's oauth.token_store, else ${defaultTokenStorePath()}.
`;

type Values = ReturnType<typeof parse>['values'];

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      principal: { type: 'string' },
      scope: { type: 'string' },
      store: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type OAuthTarget = HttpTarget & { oauth: OAuthBackendOptions };

/** The backend `login`/`logout` acts on: a config entry with `oauth`, or a URL. */
async function backendOf(named: string | undefined, values: Values): Promise<OAuthTarget> {
  if (named === undefined) throw usageError('Missing backend: give a server name or a URL');
  const store = values.store === undefined ? undefined : new FileTokenStore(values.store);
  if (values.config === undefined) {
    if (!/^https?:\/\//i.test(named)) {
      throw usageError(
        `Not a URL: ${named} (give --config <mcp.json> to name a server of a config)`,
      );
    }
    return { url: named, name: new URL(named).host, oauth: store ? { store } : {} };
  }
  const entries = mcpConfigServers(await loadMcpConfig(values.config));
  const entry = entries.find((candidate) => candidate.name === named);
  if (!entry) {
    throw usageError(
      `No server ${named} in ${values.config} (servers: ${entries.map((e) => e.name).join(', ')})`,
    );
  }
  const target = entry.target as HttpTarget;
  if (!target.oauth) {
    throw usageError(
      `Server ${named} in ${values.config} has no "oauth" block: it signs in no one`,
    );
  }
  return { ...target, oauth: { ...target.oauth, ...(store ? { store } : {}) } };
}

function storeOf(target: OAuthTarget): OAuthTokenStore {
  return target.oauth.store ?? new FileTokenStore();
}

function storeName(store: OAuthTokenStore): string {
  return store instanceof FileTokenStore ? store.path : 'the configured store';
}

async function login(
  target: OAuthTarget,
  values: Values,
  stderr: (text: string) => void,
): Promise<string> {
  const seconds =
    values.timeout === undefined
      ? 300
      : integer(values.timeout, '--timeout', { min: 1, max: 86_400 });
  const store = storeOf(target);
  const result = await loginBackend(
    { ...target, oauth: { ...target.oauth, store } },
    {
      ...(values.principal !== undefined ? { principal: values.principal } : {}),
      ...(values.scope !== undefined ? { scope: values.scope } : {}),
      timeoutMs: seconds * 1000,
      onAuthorizationUrl: (url) =>
        stderr(
          `To sign in to ${target.name}, open this URL in a browser (waiting ${seconds} s):\n\n  ${url.href}\n\n`,
        ),
    },
  );
  const whose = values.principal === undefined ? '' : ` for ${JSON.stringify(values.principal)}`;
  const scope = result.scope ? `, scope "${result.scope}"` : '';
  const until =
    result.expiresAt === undefined ? '' : `, access token valid until ${iso(result.expiresAt)}`;
  return `Signed in to ${target.name}${whose}${scope}${until}. Stored in ${storeName(store)}.\n`;
}

async function logout(target: OAuthTarget, values: Values): Promise<string> {
  const store = storeOf(target);
  const key = {
    url: new URL(target.url).href,
    ...(values.principal === undefined ? {} : { principal: values.principal }),
  };
  const record = await store.read(key);
  if (!record) {
    const whose = values.principal === undefined ? '' : ` for ${JSON.stringify(values.principal)}`;
    return `No grant stored for ${target.name}${whose} in ${storeName(store)}.\n`;
  }
  const outcome = await revokeOAuthGrant(record, target.oauth, target.fetch);
  await store.update(key, () => undefined);
  const revoked =
    outcome.revoked > 0
      ? `${outcome.revoked} token${outcome.revoked === 1 ? '' : 's'} revoked at the authorization server`
      : 'nothing revoked at the authorization server';
  const reason = outcome.reason ? ` (${outcome.reason})` : '';
  return `Signed out of ${target.name}: grant removed from ${storeName(store)}; ${revoked}${reason}.\n`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One grant, as `auth status` shows it: never a token or a secret. */
function grantLine({ key, record }: OAuthGrantEntry): string {
  const principal = key.principal === undefined ? 'the proxy' : JSON.stringify(key.principal);
  const parts = [`${record.backend}  ${key.url}`, `  principal: ${principal}`];
  const tokens = record.tokens;
  if (!tokens) parts.push(`  access: none (${record.refused ?? 'not signed in'})`);
  else {
    const expiry = record.expiresAt;
    const state =
      expiry === undefined
        ? 'no expiry given'
        : expiry > Date.now()
          ? `valid until ${iso(expiry)}`
          : `expired at ${iso(expiry)}`;
    parts.push(`  access: ${state}; refresh token: ${tokens.refresh_token ? 'yes' : 'no'}`);
    if (tokens.scope) parts.push(`  scope: ${tokens.scope}`);
  }
  if (record.neededScope) parts.push(`  needs a new sign-in for scope: ${record.neededScope}`);
  const client = record.clientInformation?.client_id;
  if (client) parts.push(`  client: ${client}`);
  const issuer = record.discovery?.authorizationServerUrl;
  if (issuer) parts.push(`  authorization server: ${issuer}`);
  parts.push(`  updated: ${iso(record.updatedAt)}`);
  return parts.join('\n');
}

async function status(values: Values): Promise<string> {
  const stores = new Map<string, OAuthTokenStore>();
  if (values.store !== undefined) stores.set(values.store, new FileTokenStore(values.store));
  else if (values.config !== undefined) {
    for (const entry of mcpConfigServers(await loadMcpConfig(values.config))) {
      const oauth = (entry.target as HttpTarget).oauth;
      if (!oauth) continue;
      const store = oauth.store ?? new FileTokenStore();
      stores.set(storeName(store), store);
    }
    if (stores.size === 0) throw usageError(`No server in ${values.config} has an "oauth" block`);
  } else stores.set(defaultTokenStorePath(), new FileTokenStore());
  const sections: string[] = [];
  for (const [name, store] of stores) {
    const grants = await store.list();
    grants.sort((a, b) =>
      `${a.key.url}${a.key.principal}`.localeCompare(`${b.key.url}${b.key.principal}`),
    );
    sections.push(
      [
        `Token store: ${name}`,
        ...(grants.length ? grants.map(grantLine) : ['No grants stored.']),
      ].join('\n'),
    );
  }
  return `${sections.join('\n\n')}\n`;
}

/**
 * Runs `login`, `logout` or `auth …`, returning what to print on stdout (the authorization URL
 * of a login goes to `stderr`, as it comes).
 * @throws ProxyError `INVALID_ARGUMENTS` for a bad command line, `AUTHORIZATION_REQUIRED` for a
 *   sign-in the authorization server refused, `BACKEND_TIMEOUT` when the browser never came back
 */
export async function runAuthCommand(
  command: 'login' | 'logout' | 'auth',
  argv: readonly string[],
  stderr: (text: string) => void,
): Promise<string> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usageError(errorMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return AUTH_USAGE;
  if (command === 'auth') {
    const [verb, ...rest] = positionals;
    if (verb !== 'status') throw usageError(`Unknown auth command: ${verb ?? '(none)'} (status)`);
    if (rest.length > 0) throw usageError(`Unexpected argument for auth status: ${rest[0]}`);
    return status(values);
  }
  const [named, ...rest] = positionals;
  if (rest.length > 0) throw usageError(`Unexpected argument for ${command}: ${rest[0]}`);
  const target = await backendOf(named, values);
  return command === 'login' ? login(target, values, stderr) : logout(target, values);
}
