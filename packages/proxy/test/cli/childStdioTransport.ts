import type { ChildProcess } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * An SDK client transport over the stdin and stdout of a child process someone else spawned
 * (`startCli`), so that a test can speak MCP to the CLI's stdio front and still see how the
 * process ends. `close()` ends the child's stdin.
 */
export class ChildStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #child: ChildProcess;
  readonly #buffer = new ReadBuffer();

  constructor(child: ChildProcess) {
    this.#child = child;
  }

  async start(): Promise<void> {
    this.#child.stdout!.on('data', (chunk: Buffer) => {
      this.#buffer.append(chunk);
      for (let message = this.#read(); message; message = this.#read()) this.onmessage?.(message);
    });
    this.#child.once('close', () => this.onclose?.());
  }

  #read(): JSONRPCMessage | null {
    try {
      return this.#buffer.readMessage();
    } catch (error) {
      this.onerror?.(error as Error);
      return null;
    }
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.#child.stdin!.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    this.#child.stdin!.end();
  }
}
