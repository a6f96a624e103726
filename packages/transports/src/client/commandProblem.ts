import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { buildChildEnvironment } from './childEnvironment';
import type { StdioTarget } from './targets';

/** The search path a child gets when its environment has no `PATH` (what `execvp` falls back to). */
const DEFAULT_PATH = '/usr/bin:/bin';

/** Why a command cannot be started, or undefined when it can. */
export type CommandProblem = 'not found on PATH' | 'does not exist' | 'is not an executable file';

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The names `command` may have on disk: itself, and on Windows with each `PATHEXT` extension. */
function candidates(command: string, env: Record<string, string | undefined>): string[] {
  if (process.platform !== 'win32' || path.extname(command) !== '') return [command];
  const extensions = (env.PATHEXT ?? process.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';');
  return [command, ...extensions.filter(Boolean).map((ext) => `${command}${ext}`)];
}

/**
 * Why the child process `target` describes could not start, as a stdio connector would spawn
 * it: a command with a path separator is resolved against the target's working directory and
 * must be an executable file; a bare name must be one in a directory of the `PATH` the child
 * gets (its built environment, see {@link buildChildEnvironment}). Returns undefined when it can.
 *
 * @example
 * ```ts
 * commandProblem({ command: 'npx' }); // undefined where npx is installed
 * commandProblem({ command: 'nope' }); // 'not found on PATH'
 * ```
 */
export function commandProblem(
  target: Pick<StdioTarget, 'command' | 'env' | 'inheritEnv' | 'cwd'>,
  source: NodeJS.ProcessEnv = process.env,
): CommandProblem | undefined {
  const cwd = path.resolve(target.cwd ?? '.');
  const { command } = target;
  const env = buildChildEnvironment(target, source);
  if (command.includes('/') || (process.platform === 'win32' && command.includes('\\'))) {
    const files = candidates(path.resolve(cwd, command), env);
    if (files.some(isExecutableFile)) return undefined;
    return files.some(exists) ? 'is not an executable file' : 'does not exist';
  }
  const searchPath = env.PATH ?? env.Path ?? DEFAULT_PATH;
  for (const dir of searchPath.split(path.delimiter)) {
    const base = path.resolve(cwd, dir);
    if (candidates(path.join(base, command), env).some(isExecutableFile)) return undefined;
  }
  return 'not found on PATH';
}
