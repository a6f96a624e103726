import type { IncomingMessage } from 'node:http';
import type { MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import type { ResolvedHttpOptions } from './httpOptions';
import type { LegacySseSession } from './legacySse';
import { type OAuthFront, requestAuth } from './oauthFront';
import type { RequestGuards } from './requestGuards';
import type { SessionRegistry } from './sessionRegistry';
import type { StreamableHttpTransport } from './streamableHttpTransport';
import type { ServeTarget } from './types';

/** Everything the request handlers of one HTTP server share. */
export interface HttpContext {
  /** What is served. */
  readonly target: ServeTarget;
  /** The resolved options. */
  readonly options: ResolvedHttpOptions;
  /** Host, Origin, auth and CORS checks. */
  readonly guards: RequestGuards;
  /** The OAuth front, when `oauth` is set. */
  readonly oauth?: OAuthFront;
  /** Open streamable HTTP sessions. */
  readonly sessions: SessionRegistry<StreamableHttpTransport>;
  /** Open legacy SSE sessions. */
  readonly sseSessions: SessionRegistry<LegacySseSession>;
  /** Stateless transports still answering their POST. */
  readonly statelessTransports: Set<StreamableHttpTransport>;
  /** Set once `close()` started: new requests get 503. */
  closing: boolean;
  /** Set once `drain()` started: new sessions get 503, open ones keep being served. */
  draining: boolean;
}

/** The `extra` handed to the server with each message of a request. */
export function messageExtra(context: HttpContext, req: IncomingMessage): MessageExtraInfo {
  const authInfo = requestAuth.get(req) ?? context.options.authInfo;
  return authInfo === undefined
    ? { requestInfo: { headers: req.headers } }
    : { requestInfo: { headers: req.headers }, authInfo };
}
