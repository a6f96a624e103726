import type { OAuthFrontOptions } from '@org/transports';
import { usageError } from './cliValues';

/** The CLI options of the OAuth front, as `parseArgs` gives them. */
export interface OAuthValues {
  'oauth-issuer'?: string[];
  'oauth-resource'?: string;
  'oauth-scope'?: string[];
  'oauth-jwks'?: string;
  'oauth-introspection'?: string;
}

/** Where `--oauth-introspection` reads the proxy's client id at the authorization server. */
export const OAUTH_CLIENT_ID_ENV = 'ORG_MCP_PROXY_OAUTH_CLIENT_ID';
/** Where `--oauth-introspection` reads the proxy's client secret (never from the command line). */
export const OAUTH_CLIENT_SECRET_ENV = 'ORG_MCP_PROXY_OAUTH_CLIENT_SECRET';

/** The OAuth options the CLI reads (each needs `--transport http` or `sse`). */
export const OAUTH_OPTIONS = [
  'oauth-issuer',
  'oauth-resource',
  'oauth-scope',
  'oauth-jwks',
] as const;

/** An absolute http(s) URL given to `option`, else a usage error naming it. */
function httpUrl(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`Invalid URL for --${option}: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`Invalid URL for --${option} (http or https only): ${value}`);
  }
  return value;
}

/** What stands against OAuth on the front, checked by {@link parseOAuth}. */
export interface OAuthConflicts {
  /** Where a static bearer token came from, when one is set (`--auth-token` or the env name). */
  tokenSource?: string;
  /** The `--forward-header` names. */
  forwardHeaders: readonly string[];
  /** The environment, for the introspection client's id and secret. */
  env: NodeJS.ProcessEnv;
}

/**
 * Refuses what cannot go with an OAuth front set by `subject` (`--oauth-issuer`, or the
 * config's `front.oauth`): a static bearer token and `--forward-header authorization` (token
 * passthrough, which the MCP authorization spec forbids).
 *
 * @throws ProxyError `INVALID_ARGUMENTS` naming both sides
 */
export function checkOAuthConflicts(conflicts: Omit<OAuthConflicts, 'env'>, subject: string): void {
  if (conflicts.tokenSource !== undefined) {
    throw usageError(
      `${subject} cannot be combined with ${conflicts.tokenSource}: the front takes OAuth access tokens or one static token, not both`,
    );
  }
  if (conflicts.forwardHeaders.includes('authorization')) {
    throw usageError(
      `--forward-header authorization cannot be used with ${subject}: the MCP authorization spec forbids token passthrough (the front token was issued for this proxy, not for its backends)`,
    );
  }
}

/**
 * The OAuth resource server settings of the HTTP front, from `--oauth-issuer` (repeatable),
 * `--oauth-resource`, `--oauth-scope` (repeatable), `--oauth-jwks` and `--oauth-introspection`
 * (its client id and secret from the environment); `undefined` when none is
 * given. Refuses a partial set, a static bearer token beside it and `--forward-header
 * authorization` (token passthrough).
 *
 * @throws ProxyError `INVALID_ARGUMENTS` naming the option that is wrong
 */
export function parseOAuth(
  values: OAuthValues,
  conflicts: OAuthConflicts,
): OAuthFrontOptions | undefined {
  const given = OAUTH_OPTIONS.filter((option) => values[option] !== undefined);
  if (given.length === 0) return undefined;
  const issuers = values['oauth-issuer'] ?? [];
  if (issuers.length === 0) throw usageError(`Option --${given[0]} needs --oauth-issuer`);
  const resource = values['oauth-resource'];
  if (resource === undefined) {
    throw usageError(
      'Option --oauth-issuer needs --oauth-resource (the public URL of this MCP endpoint, the audience of its tokens)',
    );
  }
  checkOAuthConflicts(conflicts, '--oauth-issuer');
  const scopes = (values['oauth-scope'] ?? [])
    .flatMap((scope) => scope.split(/\s+/))
    .filter(Boolean);
  const introspection = values['oauth-introspection'];
  if (introspection !== undefined && values['oauth-jwks'] !== undefined) {
    throw usageError(
      'Options --oauth-introspection and --oauth-jwks are mutually exclusive: tokens are checked one way',
    );
  }
  let introspect = {};
  if (introspection !== undefined) {
    const clientId = conflicts.env[OAUTH_CLIENT_ID_ENV];
    const clientSecret = conflicts.env[OAUTH_CLIENT_SECRET_ENV];
    if (!clientId || !clientSecret) {
      throw usageError(
        `Option --oauth-introspection needs ${OAUTH_CLIENT_ID_ENV} and ${OAUTH_CLIENT_SECRET_ENV} in the environment (the proxy's client at the authorization server)`,
      );
    }
    introspect = {
      introspection: {
        endpoint: httpUrl(introspection, 'oauth-introspection'),
        clientId,
        clientSecret,
      },
    };
  }
  return {
    ...introspect,
    resource: httpUrl(resource, 'oauth-resource'),
    authorizationServers: issuers.map((issuer) => httpUrl(issuer, 'oauth-issuer')),
    ...(scopes.length > 0 ? { scopes } : {}),
    ...(values['oauth-jwks'] !== undefined
      ? { jwksUri: httpUrl(values['oauth-jwks'], 'oauth-jwks') }
      : {}),
  };
}
