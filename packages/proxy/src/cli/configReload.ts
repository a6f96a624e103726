import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkConfigCommands, errorMessage, type Logger, loadMcpConfig } from '@org/transports';
import { configSecrets, redactorOf } from '../ops/redact';
import type { ProxyServer } from '../server/proxyServer';
import type { ReloadReport } from '../server/reloadTypes';

/** How long the file must stay quiet after a change before it is read (editors write in steps). */
const SETTLE_MS = 150;

/** What one reload of the config file did. */
export type ConfigReloadOutcome =
  | {
      /** The new config is served. */
      status: 'applied';
      /** What changed, by server name. */
      report: ReloadReport;
    }
  | {
      /** The file holds what is served already: nothing was done. */
      status: 'unchanged';
    }
  | {
      /** The file was not valid: the previous config goes on serving. */
      status: 'rejected';
      /** Why, naming the file and the field. */
      error: string;
    };

/** Options of {@link ConfigReloader}. */
export interface ConfigReloaderOptions {
  /** The config file, as given on the command line. */
  file: string;
  /** The proxy made from it (by `createProxy`, so that it can be reconfigured). */
  proxy: ProxyServer;
  /** Where reloads are reported. */
  logger: Logger;
  /** Whether changes of the file are watched (a reload can always be asked for). */
  watch: boolean;
}

/** `added b; removed c`, or `no server changed`. */
function describe(report: ReloadReport): string {
  const parts = (['added', 'removed', 'restarted', 'updated'] as const)
    .filter((key) => report[key].length > 0)
    .map((key) => `${key} ${report[key].join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'no server changed';
}

/**
 * Reloads the CLI's config file into its proxy: when the file changes (watched through its
 * directory, so that editors replacing the file by a rename and mounted config maps are seen),
 * and when asked (SIGHUP). A reload reads the file; when its text is what is served, nothing
 * happens. Otherwise it is validated like at start-up (the JSON, every field, every server
 * command), and a valid config is applied with `proxy.reconfigure`; an invalid one is logged
 * as an error naming the field, and the previous config goes on serving. Reloads run one
 * at a time.
 */
export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  #served: string | undefined;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #closed = false;

  /**
   * @param options - the file, the proxy, the logger, and whether to watch
   * @param served - the text of the file the proxy was made from, when known
   */
  constructor(options: ConfigReloaderOptions, served?: string) {
    this.#options = options;
    this.#served = served;
  }

  /** Starts watching the file, when asked to; reads what is served when it was not given. */
  async start(): Promise<void> {
    this.#served ??= await readFile(this.#options.file, 'utf8').catch(() => undefined);
    if (!this.#options.watch) return;
    const file = path.resolve(this.#options.file);
    const name = path.basename(file);
    try {
      this.#watcher = watch(path.dirname(file), { persistent: false }, (_event, changed) => {
        // A config map swaps a `..data` link; some platforms give no name at all.
        if (changed === null || changed === name || changed.startsWith('..')) this.#schedule();
      });
      this.#watcher.on('error', (error) => {
        this.#options.logger.warn(
          `Cannot watch ${this.#options.file} any more: ${errorMessage(error)}; SIGHUP still reloads it`,
        );
      });
    } catch (error) {
      this.#options.logger.warn(
        `Cannot watch ${this.#options.file}: ${errorMessage(error)}; SIGHUP still reloads it`,
      );
    }
  }

  #schedule(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.reload('the file changed');
    }, SETTLE_MS);
    this.#timer.unref();
  }

  /**
   * Reloads the file now (after any reload in progress).
   * @param why - what asked for it, for the log
   */
  reload(why = 'asked'): Promise<ConfigReloadOutcome> {
    const run = this.#chain.then(() => this.#reload(why));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #reload(why: string): Promise<ConfigReloadOutcome> {
    const { file, proxy, logger } = this.#options;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      return this.#rejected(`${file}: cannot be read: ${errorMessage(error)}`);
    }
    if (text === this.#served) return { status: 'unchanged' };
    let loaded: Awaited<ReturnType<typeof loadMcpConfig>>;
    try {
      loaded = await loadMcpConfig(file);
      checkConfigCommands(loaded, file);
    } catch (error) {
      return this.#rejected(errorMessage(error));
    }
    let report: ReloadReport;
    try {
      redactorOf(logger)?.addSecrets(configSecrets(loaded));
      report = await proxy.reconfigure(loaded);
    } catch (error) {
      // reconfigure reported it on the observer already.
      return this.#rejected(errorMessage(error), true);
    }
    this.#served = text;
    logger.info(`Reloaded ${file} (${why}): ${describe(report)}`);
    if (report.renamed) {
      logger.warn(
        `Tool and prompt names changed with the number of servers (one server: unprefixed; several: <server>_<name>); clients were told to list again`,
      );
    }
    return { status: 'applied', report };
  }

  /** Logs a refusal and, unless the proxy did (`reported`), reports it on its observer. */
  #rejected(error: string, reported = false): ConfigReloadOutcome {
    if (!reported) {
      this.#options.proxy.observer.emit('reload', {
        outcome: 'rejected',
        added: 0,
        removed: 0,
        restarted: 0,
        error,
      });
    }
    this.#options.logger.error(
      `Config reload rejected, still serving the previous config: ${error}`,
    );
    return { status: 'rejected', error };
  }

  /** Stops watching; a reload in progress finishes. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#watcher?.close();
    await this.#chain;
  }
}
