import { type ChildProcess, spawn } from 'node:child_process';
import { trackGroup } from './leftovers';
import { groupAlive } from './procTable';

const OUTPUT_LIMIT = 8_192;

/** A program started in its own process group, so that stopping it reaches its children. */
export class ChildGroup {
  /** The process (and group) id. */
  readonly pid: number;
  readonly #exited: Promise<void>;
  #output = '';
  #listeners = new Set<() => void>();

  private constructor(child: ChildProcess) {
    this.pid = child.pid!;
    trackGroup(this.pid);
    const collect = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
      for (const listener of this.#listeners) listener();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts `command` with `args`; its output is collected (the last 8 KB). */
  static start(command: string, args: readonly string[]): Promise<ChildGroup> {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(new ChildGroup(child)));
    });
  }

  /** What the program wrote to stdout and stderr lately. */
  output(): string {
    return this.#output;
  }

  /** Resolves with the first match of `pattern` in the output; rejects on exit or timeout. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      const check = (): void => {
        const match = this.#output.match(pattern);
        if (match) {
          done();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`No output matching ${pattern} within ${timeoutMs} ms: ${this.#output}`));
      }, timeoutMs);
      this.#listeners.add(check);
      void this.#exited.then(() => {
        if (!this.#listeners.has(check)) return;
        done();
        reject(new Error(`Process exited before printing ${pattern}: ${this.#output}`));
      });
      check();
    });
  }

  /**
   * Stops the whole group: SIGTERM, then SIGKILL to whatever is left after `graceMs`, then
   * waits (bounded) until no process of the group remains.
   */
  async stop(graceMs = 3_000): Promise<void> {
    signalGroup(this.pid, 'SIGTERM');
    const timeout = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([this.#exited, timeout]);
    const deadline = performance.now() + graceMs;
    while (groupAlive(this.pid) && performance.now() < deadline) {
      signalGroup(this.pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone already.
  }
}
