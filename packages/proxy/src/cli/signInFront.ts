import { type Logger, OAuthFront } from '@org/transports';
import { BackendSignIn } from '../oauth/backendSignIn';
import type { CliConfig } from './cliConfig';

/**
 * The in-band sign-in to OAuth backends for callers of an OAuth HTTP front: browsers are sent
 * to the origin of the front's resource URL (where its clients reach it), and checked at the
 * front's first authorization server. None for the stdio front or a front without OAuth.
 */
export function signInForFront(config: CliConfig, logger: Logger): BackendSignIn | undefined {
  const oauth = config.http.oauth;
  if (config.transport === 'stdio' || !oauth) return undefined;
  const [authorizationServer] = oauth.authorizationServers;
  if (!authorizationServer) return undefined;
  const verifier = new OAuthFront(oauth, config.http.path ?? '/mcp');
  return new BackendSignIn({
    publicUrl: new URL(oauth.resource).origin,
    front: {
      resource: oauth.resource,
      authorizationServer,
      verifyToken: (token) => verifier.verifyToken(token),
      ...(oauth.scopes?.length ? { scopes: oauth.scopes } : {}),
    },
    logger,
  });
}
