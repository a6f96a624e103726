import { ProxyError, ProxyErrorCode } from '../errors';

/** A path into a config value: object keys and array indexes. */
export type ConfigPath = readonly PropertyKey[];

/** One problem found in a config. The message never contains a value from the config. */
export interface ConfigIssue {
  /** Where the problem is. */
  path: ConfigPath;
  /** What is wrong, in lower case, such as `expected a non-empty string`. */
  message: string;
}

/** At most this many issues are listed in one error message. */
const MAX_LISTED = 20;

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Renders a path the way a reader would write it: `mcpServers.weather.args[0]`. */
export function formatConfigPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** One line of an error message: `<source>: <path>: <message>` (the path left out when empty). */
function formatIssue(source: string, issue: ConfigIssue): string {
  const where = formatConfigPath(issue.path);
  return where === '' ? `${source}: ${issue.message}` : `${source}: ${where}: ${issue.message}`;
}

/**
 * Builds the {@link ProxyError} (code `InvalidConfig`) reporting `issues`, one per line, the
 * first issue on the first line. `data` carries `{ source, issues: [{ path, message }] }`.
 */
export function configError(
  source: string,
  issues: readonly ConfigIssue[],
  cause?: unknown,
): ProxyError {
  const listed = issues.slice(0, MAX_LISTED).map((issue) => formatIssue(source, issue));
  if (issues.length > MAX_LISTED)
    listed.push(`${source}: ${issues.length - MAX_LISTED} more issues not shown`);
  const data = {
    source,
    issues: issues.map((issue) => ({ path: formatConfigPath(issue.path), message: issue.message })),
  };
  return new ProxyError(ProxyErrorCode.InvalidConfig, listed.join('\n'), { cause, data });
}

/** Prefixes every issue's path with `prefix`. */
export function prefixIssues(prefix: ConfigPath, issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.map((issue) => ({ path: [...prefix, ...issue.path], message: issue.message }));
}
