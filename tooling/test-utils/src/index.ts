/**
 * Test helpers shared by the workspace. Private: never published.
 */
export {
  type ClientMetadataDocumentServer,
  startClientMetadataDocument,
} from './clientMetadataDocument';
export { everythingServerScript, everythingStdioCommand } from './everything';
export { type BrowseOptions, type BrowseResult, browseAuthorization } from './oauthBrowser';
export {
  type AuthorizationCodeOptions,
  type ClientMetadataDocumentOptions,
  type Issuer,
  type IssuerOptions,
  startIssuer,
} from './oauthIssuer';
export { closedPort } from './ports';
export type { WaitForOptions } from './processes';
export { childPids, groupMembers, isPidAlive, waitFor } from './processes';
export {
  type ProtectedBackend,
  type ProtectedBackendOptions,
  startProtectedBackend,
} from './protectedBackend';
export { declaredExports } from './surface';
export type { ProcessExit, StartWatchedOptions, WatchedProcess } from './watchedProcess';
export { startWatched } from './watchedProcess';
export { within } from './within';
export {
  startWorkspaceHttp,
  type WorkspaceHttp,
  workspaceServerScript,
  workspaceStdioCommand,
} from './workspace';
export type { WorkspaceServerOptions } from './workspaceServer.mjs';
export { createWorkspaceServer } from './workspaceServer.mjs';
