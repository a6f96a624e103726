import type { ConfigIssue, ConfigPath } from './configError';
import { isRecord } from './isRecord';

/** `${...}`: an optional `env:` or `input:` prefix (VS Code), then the body. */
const REFERENCE = /\$\{(env:|input:)?([^}]*)\}/g;
/** The body of a variable reference: `NAME` or `NAME:-default`. */
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** Where `${VAR}` references are looked up. */
export type EnvSource = Record<string, string | undefined>;

/**
 * Expands `${VAR}`, `${env:VAR}` and `${VAR:-default}` in `text`. The default is used when the
 * variable is unset or empty. A reference to an unset variable without a default, and VS Code's
 * `${input:id}`, are reported through `report`; anything else in `${...}` is kept verbatim.
 */
export function expandString(
  text: string,
  env: EnvSource,
  report: (message: string) => void,
): string {
  return text.replace(REFERENCE, (match, prefix: string | undefined, body: string) => {
    if (prefix === 'input:') {
      report(`VS Code input variables are not supported: ${body}`);
      return match;
    }
    const variable = VARIABLE.exec(body);
    if (!variable) return match;
    const name = variable[1]!;
    const fallback = variable[2];
    const value = env[name];
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value !== undefined) return value;
    report(`environment variable ${name} is not set`);
    return match;
  });
}

/** The fields of a server entry holding one string. */
const STRING_FIELDS = ['command', 'cwd', 'url', 'auth'] as const;
/** The fields of a server entry holding a map of strings. */
const MAP_FIELDS = ['env', 'headers', 'token_exchange', 'oauth'] as const;

/**
 * Expands variable references in the string fields of one raw server entry: `command`, `args`,
 * `env` values, `cwd`, `url`, `headers` values, `auth`, and the string values of `token_exchange` and `oauth`. Values of the wrong type are left for
 * validation to report. Returns a copy and the issues, with paths relative to the entry.
 */
export function expandServerEntry(
  entry: Record<string, unknown>,
  env: EnvSource,
): { value: Record<string, unknown>; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const expand = (value: unknown, path: ConfigPath): unknown =>
    typeof value === 'string'
      ? expandString(value, env, (message) => issues.push({ path, message }))
      : value;
  const out: Record<string, unknown> = { ...entry };
  for (const key of STRING_FIELDS) {
    if (Object.hasOwn(entry, key)) out[key] = expand(entry[key], [key]);
  }
  if (Array.isArray(entry.args)) {
    out.args = entry.args.map((arg: unknown, index) => expand(arg, ['args', index]));
  }
  for (const key of MAP_FIELDS) {
    const map = entry[key];
    if (!isRecord(map)) continue;
    out[key] = Object.fromEntries(
      Object.entries(map).map(([name, value]) => [name, expand(value, [key, name])]),
    );
  }
  return { value: out, issues };
}
