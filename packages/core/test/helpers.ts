import { Client, type ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { AnyObjectSchema, SchemaOutput } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Provider } from '@org/core';
import type { ConnectableServer, Logger } from '@org/transports';

/** A connected SDK client and a way to close it. */
export interface TestClient extends AsyncDisposable {
  client: Client;
  close(): Promise<void>;
}

/** Connects a real SDK client to `server` over a linked in-memory pair. */
export async function connectInMemory(
  server: ConnectableServer,
  options: ClientOptions = {},
  name = 'test-client',
): Promise<TestClient> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name, version: '1.0.0' }, options);
  await client.connect(clientSide);
  const close = () => client.close();
  return { client, close, [Symbol.asyncDispose]: close };
}

/** A bare JSON-RPC session with a server, for requests an SDK client would refuse to send. */
export interface RawSession {
  /** Sends a request and resolves with its response message (result or error). */
  request(
    method: string,
    params?: Record<string, unknown>,
  ): Promise<{ result?: any; error?: { code: number; message: string } }>;
  /** Closes the session. */
  close(): Promise<void>;
}

/** Opens a raw in-memory session and initializes it. */
export async function rawSession(server: ConnectableServer): Promise<RawSession> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const pending = new Map<number, (message: any) => void>();
  clientSide.onmessage = (message: any) => {
    if ('id' in message && pending.has(message.id)) {
      pending.get(message.id)!(message);
      pending.delete(message.id);
    }
  };
  await clientSide.start();
  let nextId = 1;
  const request: RawSession['request'] = (method, params) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      void clientSide.send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    });
  await request('initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  });
  await clientSide.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { request, close: () => clientSide.close() };
}

/** What a front (a full-featured MCP client) declares: sampling, form elicitation and roots. */
export const FRONT_CAPABILITIES = { sampling: {}, elicitation: { form: {} }, roots: {} };

/** Connects a client declaring {@link FRONT_CAPABILITIES} over an in-memory pair. */
export function connectFront(server: ConnectableServer, name = 'front'): Promise<TestClient> {
  return connectInMemory(server, { capabilities: FRONT_CAPABILITIES }, name);
}

/** Notifications of one kind a client received, in order, and a way to await the next. */
export interface Inbox<T> {
  /** Every notification received so far. */
  readonly received: readonly T[];
  /** The next notification not yet taken by `next`, waiting for it up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<T>;
}

/** Starts collecting the notifications `client` receives that match `schema`. */
export function inbox<T extends AnyObjectSchema>(
  client: Client,
  schema: T,
): Inbox<SchemaOutput<T>> {
  const received: SchemaOutput<T>[] = [];
  const waiters: Array<(item: SchemaOutput<T>) => void> = [];
  let taken = 0;
  client.setNotificationHandler(schema, (notification) => {
    received.push(notification);
    const waiter = waiters.shift();
    if (waiter) {
      taken += 1;
      waiter(notification);
    }
  });
  const next = (timeoutMs = 5000) => {
    if (taken < received.length) return Promise.resolve(received[taken++]!);
    return new Promise<SchemaOutput<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(deliver), 1);
        reject(new Error(`No notification within ${timeoutMs} ms`));
      }, timeoutMs);
      const deliver = (item: SchemaOutput<T>) => {
        clearTimeout(timer);
        resolve(item);
      };
      waiters.push(deliver);
    });
  };
  return { received, next };
}

/** The `McpError` a request failed with (fails the test when it succeeded or failed otherwise). */
export async function mcpError(promise: Promise<unknown>): Promise<McpError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome))
    throw new Error(`Expected an McpError, got a result: ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof McpError))
    throw new Error(`Expected an McpError, got: ${String(outcome.error)}`);
  return outcome.error;
}

/** A promise with its resolve function, for handing events between a handler and a test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A logger that keeps what it is told, as `level: message` lines. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => {
    lines.push(`${level}: ${message}`);
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A provider every list and lookup of which fails with `message`. */
export function failingProvider(name: string, message = 'backend down'): Provider {
  const fail = async (): Promise<never> => {
    throw new Error(message);
  };
  return {
    name,
    listTools: fail,
    getTool: fail,
    listResources: fail,
    getResource: fail,
    listResourceTemplates: fail,
    getResourceTemplate: fail,
    listPrompts: fail,
    getPrompt: fail,
  };
}
