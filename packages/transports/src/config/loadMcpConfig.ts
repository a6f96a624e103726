import { readFile } from 'node:fs/promises';
import { configError } from './configError';
import { rememberConfigFile } from './configSource';
import { findJsonSyntaxError } from './findJsonSyntaxError';
import { parseMcpConfig } from './parseMcpConfig';
import type { McpConfig, ParseMcpConfigOptions } from './types';

/** Parses JSON text; a syntax error is reported by line and column, without quoting the text. */
function parseJson(text: string, source: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    const syntax = findJsonSyntaxError(body);
    const message = syntax
      ? `invalid JSON at line ${syntax.line}, column ${syntax.column}: ${syntax.message}`
      : 'invalid JSON';
    throw configError(source, [{ path: [], message }]);
  }
}

/** The error code of a failed read (`ENOENT`, `EACCES`...), never its message (it holds the path). */
function readErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/**
 * Reads an `mcpServers` config file (UTF-8, JSON, an optional byte order mark) and validates it
 * with {@link parseMcpConfig}. Error messages name the file as `file` was given (not resolved).
 * An empty file counts as a config without servers, which is an error.
 *
 * @param file - the path of the file, as the user gave it
 * @param options - the environment for `${VAR}`; `source` defaults to `file`
 * @returns the validated, expanded config
 * @throws {@link ProxyError} with code `InvalidConfig`: `mcp.json: cannot read file: ENOENT`,
 *   `mcp.json: invalid JSON at line 3, column 5: expected ',' or '}'`, or any error of
 *   {@link parseMcpConfig}
 *
 * @example
 * ```ts
 * import { createConnector, loadMcpConfig, mcpConfigServers } from '@org/transports';
 *
 * // mcp.json: { "mcpServers": { "weather": { "url": "https://example.com/mcp",
 * //   "headers": { "Authorization": "Bearer ${WEATHER_TOKEN}" } } } }
 * const config = await loadMcpConfig('mcp.json');
 * for (const { name, target, options } of mcpConfigServers(config)) {
 *   const connector = createConnector(target);
 *   console.log(name, connector.describe(), options.includeTags);
 * }
 * ```
 */
export async function loadMcpConfig(
  file: string,
  options: ParseMcpConfigOptions = {},
): Promise<McpConfig> {
  const source = options.source ?? file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw configError(
      source,
      [{ path: [], message: `cannot read file: ${readErrorCode(error)}` }],
      error,
    );
  }
  const config = parseMcpConfig(parseJson(text, source), { ...options, source });
  rememberConfigFile(config, file);
  return config;
}
