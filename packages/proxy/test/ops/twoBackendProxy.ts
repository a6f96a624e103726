import { createProxy, type ProxyServer } from '@org/proxy';
import { workspaceStdioCommand } from '@org/test-utils';

/**
 * A proxy of two stateful workspace backends (real stdio children), `alpha` (sessions a*) and
 * `beta` (b*), each client session with its own backend session per backend.
 */
export function twoBackendProxy(): ProxyServer {
  return createProxy({
    mcpServers: { alpha: workspaceStdioCommand('a'), beta: workspaceStdioCommand('b') },
  });
}
