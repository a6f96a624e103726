/**
 * The client side of `@org/transports`: reaching a backend over stdio, streamable HTTP, legacy
 * SSE or in memory.
 */

export { buildChildEnvironment, DEFAULT_INHERITED_ENV } from './childEnvironment';
export { ChildLimit, DEFAULT_MAX_CHILDREN } from './childLimit';
export type { ChildProcessTransportOptions } from './childProcessTransport';
export { ChildProcessTransport } from './childProcessTransport';
export type { CommandProblem } from './commandProblem';
export { commandProblem } from './commandProblem';
export type { ClientTransportOptions } from './createConnector';
export { createClientTransport, createConnector } from './createConnector';
export { defaultTokenStorePath, FileTokenStore, TOKEN_STORE_ENV } from './oauthFileStore';
export type {
  OAuthGrantEntry,
  OAuthGrantKey,
  OAuthGrantRecord,
  OAuthTokenStore,
} from './oauthGrants';
export { MemoryTokenStore } from './oauthGrants';
export type { LoginOptions, LoginResult } from './oauthLogin';
export { loginBackend } from './oauthLogin';
export type { OAuthBackendOptions, SignInNeeded } from './oauthOptions';
export type { AuthorizationRequiredData, OAuthProviderMode } from './oauthProvider';
export { StoredOAuthProvider } from './oauthProvider';
export type { RevokeOutcome } from './oauthRevoke';
export { revokeOAuthGrant } from './oauthRevoke';
export type { RelatedRequestSource } from './relatedRequests';
export { isRelatedRequestSource } from './relatedRequests';
export type { RequestHeaders } from './requestHeaders';
export type { ResolvedTarget } from './resolveTarget';
export {
  inferTransportKind,
  isConnectableServer,
  isHttpTarget,
  isInProcessTarget,
  isStdioTarget,
  redactUrl,
  resolveTarget,
} from './resolveTarget';
export type {
  BackendConnector,
  BackendTarget,
  ChildExitInfo,
  ConnectableServer,
  ConnectOptions,
  ConnectorKind,
  ConnectorOptions,
  HttpTarget,
  HttpTransportKind,
  InProcessTarget,
  StderrMode,
  StdioTarget,
} from './targets';
export type { TokenExchangeOptions } from './tokenExchange';
export { TOKEN_EXCHANGE_GRANT, TokenExchanger } from './tokenExchange';
