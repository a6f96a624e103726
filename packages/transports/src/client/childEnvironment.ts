import type { StdioTarget } from './targets';

/** {@link DEFAULT_INHERITED_ENV} on Windows. Internal. */
export const WINDOWS_INHERITED_ENV: readonly string[] = Object.freeze([
  'APPDATA',
  'HOMEDRIVE',
  'HOMEPATH',
  'LOCALAPPDATA',
  'PATH',
  'PROCESSOR_ARCHITECTURE',
  'SYSTEMDRIVE',
  'SYSTEMROOT',
  'TEMP',
  'USERNAME',
  'USERPROFILE',
  'PROGRAMFILES',
]);

/** {@link DEFAULT_INHERITED_ENV} elsewhere. Internal. */
export const POSIX_INHERITED_ENV: readonly string[] = Object.freeze([
  'HOME',
  'LOGNAME',
  'PATH',
  'SHELL',
  'TERM',
  'USER',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
]);

/**
 * The variables a stdio child inherits from this process without being asked, each only when
 * set. On POSIX systems: `HOME`, `LOGNAME`, `PATH`, `SHELL`, `TERM`, `USER`, `LANG`, `LC_ALL`,
 * `LC_CTYPE`, `TZ` and `TMPDIR` (the SDK's `getDefaultEnvironment` list plus the locale, time
 * zone and temporary directory). On Windows: the SDK's list (`APPDATA`, `HOMEDRIVE`,
 * `HOMEPATH`, `LOCALAPPDATA`, `PATH`, `PROCESSOR_ARCHITECTURE`, `SYSTEMDRIVE`, `SYSTEMROOT`,
 * `TEMP`, `USERNAME`, `USERPROFILE`, `PROGRAMFILES`). Everything else, the proxy's secrets
 * included, reaches a child only through {@link StdioTarget.inheritEnv} or {@link StdioTarget.env}.
 */
export const DEFAULT_INHERITED_ENV: readonly string[] =
  process.platform === 'win32' ? WINDOWS_INHERITED_ENV : POSIX_INHERITED_ENV;

/**
 * The environment of a stdio child: {@link DEFAULT_INHERITED_ENV}, then the variables named in
 * `inheritEnv` copied from `source`, then the target's `env` (which wins). Default values that
 * look like exported shell functions (`() {...}`) are skipped, as the SDK does.
 */
export function buildChildEnvironment(
  target: Pick<StdioTarget, 'env' | 'inheritEnv'>,
  source: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of DEFAULT_INHERITED_ENV) {
    const value = source[name];
    if (value !== undefined && !value.startsWith('()')) env[name] = value;
  }
  for (const name of target.inheritEnv ?? []) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...target.env };
}
