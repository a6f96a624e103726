import path from 'node:path';
import { declaredExports } from '@org/test-utils';
import * as api from '@org/transports';
import { describe, expect, it } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');

// A change to these lists is a change to the public API of @org/transports: make it on purpose,
// with a changeset.
describe('@org/transports public surface', () => {
  it('exports exactly these runtime values', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "ChildProcessTransport",
        "DEFAULT_INHERITED_ENV",
        "ProxyError",
        "ProxyErrorCode",
        "buildChildEnvironment",
        "checkConfigCommands",
        "commandProblem",
        "createClientTransport",
        "createConnector",
        "createConsoleLogger",
        "inferTransportKind",
        "isConnectableServer",
        "isHttpTarget",
        "isInProcessTarget",
        "isRelatedRequestSource",
        "isStdioTarget",
        "loadMcpConfig",
        "mcpConfigSchema",
        "mcpConfigServers",
        "noopLogger",
        "parseMcpConfig",
        "redactUrl",
        "resolveTarget",
        "serveHttp",
        "serveInMemory",
        "serveStdio",
        "toProxyError",
      ]
    `);
  });

  it('declares exactly these names, types included', () => {
    expect(declaredExports(packageDir)).toMatchInlineSnapshot(`
      [
        "type BackendConnector",
        "type BackendTarget",
        "buildChildEnvironment",
        "checkConfigCommands",
        "type ChildExitInfo",
        "ChildProcessTransport",
        "type ChildProcessTransportOptions",
        "type ClientTransportOptions",
        "commandProblem",
        "type CommandProblem",
        "type ConnectableServer",
        "type ConnectOptions",
        "type ConnectorKind",
        "type ConnectorOptions",
        "createClientTransport",
        "createConnector",
        "createConsoleLogger",
        "DEFAULT_INHERITED_ENV",
        "type DisabledServerConfig",
        "type HttpServeOptions",
        "type HttpServerHandle",
        "type HttpTarget",
        "type HttpTransportKind",
        "inferTransportKind",
        "type InMemoryConnection",
        "type InProcessTarget",
        "isConnectableServer",
        "isHttpTarget",
        "isInProcessTarget",
        "isRelatedRequestSource",
        "isStdioTarget",
        "loadMcpConfig",
        "type Logger",
        "type LogLevelName",
        "type McpConfig",
        "mcpConfigSchema",
        "mcpConfigServers",
        "type McpServerConfig",
        "type McpServerEntry",
        "type McpServerOptions",
        "noopLogger",
        "parseMcpConfig",
        "type ParseMcpConfigOptions",
        "ProxyError",
        "ProxyErrorCode",
        "type ProxyErrorOptions",
        "redactUrl",
        "type RelatedRequestSource",
        "type RemoteServerConfig",
        "type RequestHeaders",
        "type ResolvedTarget",
        "resolveTarget",
        "serveHttp",
        "serveInMemory",
        "type ServerConfigBase",
        "serveStdio",
        "type ServeTarget",
        "type SessionInfo",
        "type StderrMode",
        "type StdioServeOptions",
        "type StdioServerConfig",
        "type StdioServerHandle",
        "type StdioTarget",
        "type ToolOverrideConfig",
        "toProxyError",
      ]
    `);
  });
});
