import { commandProblem, ProxyError, ProxyErrorCode, type StdioTarget } from '@org/transports';

/**
 * Checks that the command given after `--` can be started (see `commandProblem`).
 *
 * @throws {@link ProxyError} with code `InvalidArguments`: `Command after -- not found on PATH: nope`
 */
export function checkCommand(target: Pick<StdioTarget, 'command' | 'env'>): void {
  const problem = commandProblem(target);
  if (problem) {
    throw new ProxyError(
      ProxyErrorCode.InvalidArguments,
      `Command after -- ${problem}: ${target.command}`,
    );
  }
}
