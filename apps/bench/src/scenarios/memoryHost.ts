import { type ChildProcess, fork } from 'node:child_process';
import type { ChildMessage, MemoryReading, MemoryTarget, ParentMessage } from './memoryProtocol';

const REPLY_TIMEOUT_MS = 30_000;

/** The child process hosting the proxy whose memory is measured. */
export class MemoryHost {
  /** The proxy's streamable HTTP endpoint. */
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;

  private constructor(child: ChildProcess, url: string, exited: Promise<void>) {
    this.#child = child;
    this.url = url;
    this.#exited = exited;
  }

  /** Forks `script` with `--expose-gc` and waits until it serves `target`. */
  static async start(script: string, target: MemoryTarget): Promise<MemoryHost> {
    const child = fork(script, [target], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const ready = await nextMessage(child);
      if (ready.type !== 'ready')
        throw new Error(`Memory child did not start: ${JSON.stringify(ready)}`);
      return new MemoryHost(child, ready.url, exited);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** A reading taken after garbage collection in the child. */
  async measure(): Promise<MemoryReading> {
    const reply = nextMessage(this.#child);
    this.#send({ type: 'measure' });
    const message = await reply;
    if (message.type !== 'reading')
      throw new Error(`Memory child failed: ${JSON.stringify(message)}`);
    const { type: _type, ...reading } = message;
    return reading;
  }

  /** Asks the child to close the proxy and exit; kills it if it does not within 5 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.connected) this.#send({ type: 'stop' });
    const limit = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
    await Promise.race([this.#exited, limit]);
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGKILL');
      await this.#exited;
    }
  }

  #send(message: ParentMessage): void {
    this.#child.send(message);
  }
}

function nextMessage(child: ChildProcess): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: ChildMessage): void => {
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`Memory child exited with code: ${code}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Memory child did not answer within: ${REPLY_TIMEOUT_MS} ms`));
    }, REPLY_TIMEOUT_MS);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
