import { commandProblem } from '../client/commandProblem';
import { type ConfigIssue, configError } from './configError';
import { IN_CODE_CONFIG_SOURCE, recordedConfigSource } from './configSource';
import { mcpConfigServers } from './mcpConfigServers';
import type { McpConfig } from './types';

/**
 * Checks that the command of every enabled stdio server of a config can be started (see
 * {@link commandProblem}), so that a typo fails at start-up instead of at the first client. It
 * starts nothing and contacts no backend. One line per bad server:
 * `mcp.json: mcpServers.ghost.command: command "nope" not found on PATH`.
 *
 * @param config - the loaded config
 * @param source - what messages call the config (default: the file it was loaded from)
 * @throws {@link ProxyError} with code `InvalidConfig` naming the file, server and field
 *
 * @example
 * ```ts
 * const config = await loadMcpConfig('mcp.json');
 * checkConfigCommands(config); // throws when a stdio server's command cannot be found
 * ```
 */
export function checkConfigCommands(config: McpConfig, source?: string): void {
  const issues: ConfigIssue[] = [];
  for (const { name, target } of mcpConfigServers(config, source ? { source } : {})) {
    if (!('command' in target) || typeof target.command !== 'string') continue;
    const problem = commandProblem(target);
    if (problem) {
      const message = `command ${JSON.stringify(target.command)} ${problem}`;
      issues.push({ path: ['mcpServers', name, 'command'], message });
    }
  }
  if (issues.length > 0) {
    throw configError(source ?? recordedConfigSource(config) ?? IN_CODE_CONFIG_SOURCE, issues);
  }
}
