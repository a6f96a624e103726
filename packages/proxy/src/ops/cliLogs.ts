import { createConsoleLogger, type Logger, ProxyError, ProxyErrorCode } from '@org/transports';
import type { CliConfig } from '../cli/cliConfig';
import type { ProxyServer } from '../server/proxyServer';
import { startAuditLog } from './auditLog';
import { createJsonLogger } from './jsonLogger';
import { Redactor, redactingLogger, redactorOf } from './redact';
import { startRequestLog } from './requestLog';

/** The secrets a command line holds: the `--auth-token` and the `--env` values. @internal */
function cliSecrets(config: CliConfig): string[] {
  const secrets = config.http.authToken === undefined ? [] : [config.http.authToken];
  if (config.backend.kind === 'command') secrets.push(...Object.values(config.backend.env));
  return secrets;
}

/**
 * The CLI's logger: JSON lines (pino) on `stderr` with `--log-format json`, else the text
 * console logger; both keep `--log-level` and mask secrets (the auth token, `--env` values,
 * and what a config file adds later through its redactor). The text lines start with
 * `prefix`. @internal
 */
export function createCliLogger(
  config: CliConfig,
  stderr: NodeJS.WritableStream,
  prefix = `${config.name} `,
): Logger {
  const redactor = new Redactor(cliSecrets(config));
  if (config.operations?.logFormat === 'json') {
    return createJsonLogger({
      level: config.logLevel,
      stream: stderr,
      redactor,
    });
  }
  return redactingLogger(createConsoleLogger(config.logLevel, prefix), redactor);
}

/** Where {@link startCliLogs} works. @internal */
export interface CliLogsIo {
  /** The CLI's settings. */
  config: CliConfig;
  /** The CLI's logger. */
  logger: Logger;
  /** Standard output, for `--audit-log -`. */
  stdout: NodeJS.WritableStream;
}

/**
 * Starts the request log (every format) and, with `--audit-log`, the audit log.
 * @returns what flushes and stops them
 * @throws {@link ProxyError} `InvalidArguments` for `--audit-log -` with the stdio front
 *   (standard output carries its MCP messages), or the error of opening the audit file
 * @internal
 */
export async function startCliLogs(
  proxy: ProxyServer,
  io: CliLogsIo,
): Promise<() => Promise<void>> {
  const operations = io.config.operations;
  const redactor = redactorOf(io.logger) ?? new Redactor(cliSecrets(io.config));
  const stopRequests = startRequestLog(proxy.observer, io.logger);
  const destination = operations?.auditLog;
  if (destination === undefined) {
    return async () => stopRequests();
  }
  if (destination === '-' && io.config.transport === 'stdio') {
    stopRequests();
    throw new ProxyError(
      ProxyErrorCode.InvalidArguments,
      '--audit-log -: standard output carries the stdio front; give a file path',
    );
  }
  let audit: Awaited<ReturnType<typeof startAuditLog>>;
  try {
    audit = await startAuditLog(proxy.observer, {
      destination,
      arguments: operations?.auditArguments ?? false,
      redactor,
      stdout: io.stdout,
      logger: io.logger,
    });
  } catch (error) {
    stopRequests();
    throw error;
  }
  return async () => {
    stopRequests();
    await audit.close();
  };
}
