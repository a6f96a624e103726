import { AsyncLocalStorage } from 'node:async_hooks';
import { ProxyError, ProxyErrorCode } from '@org/transports';
import type { Context } from './context';

const storage = new AsyncLocalStorage<Context>();

/** The context of the client request being handled, or `undefined` outside of one. */
export function currentContext(): Context | undefined {
  return storage.getStore();
}

/**
 * The context of the client request being handled.
 * @throws ProxyError with code `NO_CONTEXT` when called outside a client request
 */
export function requireContext(what = 'This operation'): Context {
  const context = storage.getStore();
  if (!context) {
    throw new ProxyError(
      ProxyErrorCode.NoContext,
      `${what} needs a client request context, and none is active (it ran outside a request handler)`,
    );
  }
  return context;
}

/**
 * Runs `fn` with `context` as the current context. Forwarding code uses this to run a handler
 * in the context of the request it serves, whatever async context it was called from.
 */
export function runWithContext<T>(context: Context | undefined, fn: () => T): T {
  return context ? storage.run(context, fn) : storage.exit(fn);
}
