import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ECHO_ARGS } from './backends/echoServer';

/** Anything an in-memory client can be connected to. */
export interface Connectable {
  /** Serves one client session over `transport`. */
  connect(transport: Transport): Promise<void>;
}

/** An SDK client connected to something, and how to let go of it. */
export interface BenchClient {
  /** The connected client. */
  client: Client;
  /** Ends the session (DELETE over streamable HTTP) and closes the client. */
  close(): Promise<void>;
  /** The process the client started, for a stdio client. */
  pid?: number;
}

function newClient(): Client {
  return new Client({ name: 'bench-client', version: '1.0.0' });
}

/** Connects a client to `server` over a linked in-memory transport pair. */
export async function connectInMemory(server: Connectable): Promise<BenchClient> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = newClient();
  await client.connect(clientSide);
  return { client, close: () => client.close() };
}

/** Connects a client to an already connected client transport (`serveInMemory`'s). */
export async function connectTransport(transport: Transport): Promise<BenchClient> {
  const client = newClient();
  await client.connect(transport);
  return { client, close: () => client.close() };
}

/** Starts `command` as a stdio child and connects a client to it; its stderr is discarded. */
export async function connectStdio(command: string, args: string[]): Promise<BenchClient> {
  const transport = new StdioClientTransport({ command, args, stderr: 'pipe' });
  transport.stderr?.on('data', () => {});
  const client = newClient();
  await client.connect(transport);
  return { client, close: () => client.close(), ...(transport.pid ? { pid: transport.pid } : {}) };
}

/** Connects a client to a streamable HTTP endpoint. */
export async function connectHttp(url: string): Promise<BenchClient> {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = newClient();
  await client.connect(transport);
  return {
    client,
    close: async () => {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}

/** Calls the echo tool once and checks the answer. */
export async function callEcho(client: Client): Promise<void> {
  const result = await client.callTool({ name: 'echo', arguments: ECHO_ARGS });
  const first = (result.content as { type: string; text?: string }[] | undefined)?.[0];
  if (result.isError || first?.text !== ECHO_ARGS.text) {
    throw new Error(`Unexpected echo result: ${JSON.stringify(result)}`);
  }
}

/** Closes every client, whatever fails. */
export async function closeAll(clients: readonly BenchClient[]): Promise<void> {
  await Promise.allSettled(clients.map((entry) => entry.close()));
}
