import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, ProxyError, ProxyErrorCode } from '../errors';
import { type Logger, noopLogger } from '../logger';
import { buildChildEnvironment } from './childEnvironment';
import {
  CHILDREN_IN_OWN_GROUP,
  childGroupAlive,
  type LiveChild,
  signalChild,
  trackChild,
  untrackChild,
} from './liveChildren';
import type { ChildExitInfo, ConnectorOptions, StdioTarget } from './targets';

/** How much captured stderr a child keeps. */
const STDERR_TAIL_CHARS = 8192;
/** How much of it an exit error quotes. */
const EXIT_MESSAGE_TAIL_CHARS = 300;
/** How long to wait for the stdio streams to drain after the child exited. */
const CLOSE_AFTER_EXIT_MS = 100;
const DEFAULT_KILL_GRACE_MS = 2000;
/**
 * How often a group that outlived its leader is checked while it is being ended: at first, then
 * doubling up to the second value (on Linux a check reads /proc).
 */
const GROUP_POLL_MS = 25;
const GROUP_POLL_MAX_MS = 200;
/** How long to wait for a group to vanish after SIGKILL before giving up on it. */
const AFTER_SIGKILL_MS = 1000;

/** The connection currently using a child: receives its messages and its death. */
export interface ChildAttachment {
  /** A message read from the child's stdout. */
  message(message: JSONRPCMessage): void;
  /** A non-fatal error (an unparsable line, a broken pipe). */
  error(error: Error): void;
  /** The child exited while attached. */
  exit(error: ProxyError): void;
}

/** Options of {@link StdioChild.spawn}. */
export interface StdioChildOptions extends ConnectorOptions {
  /** Aborts the spawn. */
  signal?: AbortSignal;
}

/** The name of a stdio target: its `name`, else the command's base name. */
export function stdioTargetName(target: StdioTarget): string {
  return target.name ?? path.basename(target.command);
}

/**
 * One running stdio child: frames its stdout into messages for whichever connection is attached,
 * captures its stderr, and kills it on request. Internal: connections use it through
 * `ChildProcessTransport`, connectors keep it alive between connections.
 */
export class StdioChild {
  /** The backend's name, for messages. */
  readonly name: string;
  /** The child's process id. */
  readonly pid: number;
  readonly #process: ChildProcess;
  readonly #live: LiveChild;
  readonly #logger: Logger;
  readonly #options: StdioChildOptions;
  readonly #readBuffer = new ReadBuffer();
  readonly #exited: Promise<void>;
  #markExited!: () => void;
  #attachment: ChildAttachment | undefined;
  #stderr = '';
  #alive = true;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #reported = false;
  #closeTimer: NodeJS.Timeout | undefined;
  /** The end under way (SIGTERM, grace, SIGKILL), once started. */
  #ending: Promise<void> | undefined;
  /** Whether SIGKILL was sent. */
  #killSent = false;
  /** Whether the child and every process of its group are gone. */
  #groupGone = false;

  private constructor(child: ChildProcess, name: string, options: StdioChildOptions) {
    this.#process = child;
    this.name = name;
    this.pid = child.pid!;
    this.#options = options;
    this.#logger = options.logger ?? noopLogger;
    this.#exited = new Promise((resolve) => {
      this.#markExited = resolve;
    });
    this.#live = { process: child, grouped: CHILDREN_IN_OWN_GROUP };
    trackChild(this.#live);
    this.#listen();
  }

  /**
   * Starts a child and resolves once it runs.
   * @throws {@link ProxyError} `BackendUnavailable` when it cannot start (or the spawn is aborted).
   */
  static spawn(target: StdioTarget, options: StdioChildOptions = {}): Promise<StdioChild> {
    const name = stdioTargetName(target);
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(unavailable(name, 'aborted', signal.reason));
    let child: ChildProcess;
    try {
      child = spawn(target.command, target.args ?? [], {
        env: buildChildEnvironment(target),
        cwd: target.cwd,
        stdio: ['pipe', 'pipe', target.stderr ?? 'inherit'],
        shell: false,
        windowsHide: true,
        // Its own process group (POSIX): ending it ends what a wrapper started too. Not
        // unref'd: this process still waits for it, and the stdio pipes stay.
        detached: CHILDREN_IN_OWN_GROUP,
      });
    } catch (error) {
      return Promise.reject(unavailable(name, errorMessage(error), error));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        try {
          signalChild({ process: child, grouped: CHILDREN_IN_OWN_GROUP }, 'SIGKILL');
        } catch {
          // not started, or already gone
        }
        reject(unavailable(name, 'aborted', signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(unavailable(name, errorMessage(error), error));
      });
      child.once('spawn', () => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) return;
        const started = new StdioChild(child, name, options);
        started.#logger.debug(`Started backend ${name}: pid ${started.pid}`);
        resolve(started);
      });
    });
  }

  /** Whether the child has not exited yet. */
  get alive(): boolean {
    return this.#alive;
  }

  /** The last ~8 KB the child wrote to stderr (only captured in `pipe` mode). */
  stderrTail(): string {
    return this.#stderr;
  }

  /** Routes the child's messages and death to `attachment`, replacing any previous one. */
  attach(attachment: ChildAttachment): void {
    this.#attachment = attachment;
  }

  /** Stops routing to `attachment` (no-op when another connection is attached). */
  detach(attachment: ChildAttachment): void {
    if (this.#attachment === attachment) this.#attachment = undefined;
  }

  /** Writes one message to the child's stdin; resolves once it is flushed. */
  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.#process.stdin;
    if (!this.#alive || !stdin || stdin.destroyed || stdin.writableEnded) {
      return Promise.reject(
        new ProxyError(ProxyErrorCode.BackendClosed, `Backend is not running: ${this.name}`),
      );
    }
    return new Promise((resolve, reject) => {
      stdin.write(serializeMessage(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * Ends the child and its process group: closes its stdin, sends SIGTERM to the group, and
   * SIGKILL to the group after the grace period if any process of it still runs. Resolves once
   * the child and every process of its group have exited.
   */
  kill(): Promise<void> {
    if (this.#groupGone) return this.#exited;
    this.#ending ??= this.#end();
    return this.#ending;
  }

  async #end(): Promise<void> {
    const graceMs = this.#options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    const deadline = performance.now() + graceMs;
    this.#process.stdin?.end();
    this.#signal('SIGTERM');
    const timer = setTimeout(() => this.#signal('SIGKILL'), graceMs);
    try {
      await this.#exited;
    } finally {
      clearTimeout(timer);
    }
    await this.#reapGroup(deadline);
  }

  /**
   * Waits for the rest of the group once the child itself exited: a server started through a
   * wrapper may outlive the wrapper. SIGKILL when the deadline passes.
   */
  async #reapGroup(deadline: number): Promise<void> {
    let giveUpAt = this.#killSent ? performance.now() + AFTER_SIGKILL_MS : Infinity;
    let pollMs = GROUP_POLL_MS;
    while (childGroupAlive(this.#live)) {
      const now = performance.now();
      if (!this.#killSent && now >= deadline) {
        this.#signal('SIGKILL');
        giveUpAt = now + AFTER_SIGKILL_MS;
        pollMs = GROUP_POLL_MS;
      }
      if (now >= giveUpAt) {
        this.#logger.warn(`Backend ${this.name}: processes of its group survived SIGKILL`);
        break;
      }
      const wait = Math.min(pollMs, Math.max(1, (this.#killSent ? giveUpAt : deadline) - now));
      pollMs = Math.min(pollMs * 2, GROUP_POLL_MAX_MS);
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
    this.#groupGone = true;
    untrackChild(this.#live);
  }

  #signal(signal: NodeJS.Signals): void {
    if (this.#groupGone) return;
    if (signal === 'SIGKILL') this.#killSent = true;
    try {
      signalChild(this.#live, signal);
    } catch (error) {
      this.#logger.warn(`Cannot signal backend ${this.name}: ${errorMessage(error)}`);
    }
  }

  #listen(): void {
    const child = this.#process;
    child.stdout?.on('data', (chunk: Buffer) => this.#onStdout(chunk));
    child.stdout?.on('error', (error) => this.#attachment?.error(error));
    child.stdin?.on('error', (error) => {
      this.#logger.debug(`Backend ${this.name} stdin: ${errorMessage(error)}`);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.#onStderr(chunk));
    child.on('error', (error) => this.#logger.warn(`Backend ${this.name}: ${errorMessage(error)}`));
    child.once('exit', (code, signal) => this.#onExit(code, signal));
    child.once('close', () => this.#report());
  }

  #onStdout(chunk: Buffer): void {
    try {
      this.#readBuffer.append(chunk);
    } catch (error) {
      this.#attachment?.error(error as Error);
      void this.kill();
      return;
    }
    for (let message = this.#read(); message !== null; message = this.#read()) {
      if (this.#attachment) this.#attachment.message(message);
      else this.#logger.debug(`Dropped a message from idle backend ${this.name}`);
    }
  }

  /** The next complete message, skipping (and reporting) unparsable lines. */
  #read(): JSONRPCMessage | null {
    for (;;) {
      try {
        return this.#readBuffer.readMessage();
      } catch (error) {
        this.#attachment?.error(error as Error);
      }
    }
  }

  #onStderr(chunk: string): void {
    this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL_CHARS);
    try {
      this.#options.onStderr?.(chunk);
    } catch (error) {
      this.#logger.warn(`onStderr of backend ${this.name} threw: ${errorMessage(error)}`);
    }
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#alive = false;
    this.#exit = { code, signal };
    this.#markExited();
    if (this.#ending === undefined) {
      if (childGroupAlive(this.#live)) {
        // Exited by itself, leaving processes of its group (a wrapper's server): end them too.
        this.#logger.debug(`Backend ${this.name} exited; ending the rest of its process group`);
        this.#ending = this.#end();
      } else {
        this.#groupGone = true;
        untrackChild(this.#live);
      }
    }
    // Let stdout and stderr drain ('close') before reporting, but not forever: a grandchild may
    // hold the pipes open.
    this.#closeTimer = setTimeout(() => this.#report(), CLOSE_AFTER_EXIT_MS);
  }

  #report(): void {
    clearTimeout(this.#closeTimer);
    if (this.#reported || !this.#exit) return;
    this.#reported = true;
    const { code, signal } = this.#exit;
    this.#logger.debug(`Backend ${this.name} exited: pid ${this.pid}`);
    const info: ChildExitInfo = { name: this.name, pid: this.pid, code, signal };
    const attachment = this.#attachment;
    this.#attachment = undefined;
    attachment?.exit(this.#exitError(info));
    try {
      this.#options.onExit?.(info);
    } catch (error) {
      this.#logger.warn(`onExit of backend ${this.name} threw: ${errorMessage(error)}`);
    }
  }

  #exitError(info: ChildExitInfo): ProxyError {
    const how = info.signal ? `signal ${info.signal}` : `code ${info.code}`;
    const tail = this.#stderr.trim().slice(-EXIT_MESSAGE_TAIL_CHARS);
    const message = `Backend ${this.name} exited with ${how}${tail ? `, stderr: ${tail}` : ''}`;
    return new ProxyError(ProxyErrorCode.BackendClosed, message, {
      data: { pid: info.pid, code: info.code, signal: info.signal },
    });
  }
}

function unavailable(name: string, reason: string, cause: unknown): ProxyError {
  return new ProxyError(
    ProxyErrorCode.BackendUnavailable,
    `Cannot start backend ${name}: ${reason}`,
    {
      cause,
    },
  );
}
