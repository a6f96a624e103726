import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Logger } from '@org/transports';
import { Context, type ServerRequestExtra } from '../context/context';
import type { FrontSession } from '../context/frontSession';
import { runWithContext } from '../context/storage';
import type { AggregateProvider } from '../providers/aggregateProvider';

/** What the request handlers of one session share. @internal */
export interface HandlerKit {
  /** The SDK server of the session. */
  sdk: Server;
  /** The session. */
  session: FrontSession;
  /** The server's providers, as one. */
  providers: AggregateProvider;
  /** Page size of lists, if paginated. */
  pageSize: number | undefined;
  /** Whether internal error details are hidden from clients. */
  maskErrorDetails: boolean;
  /** Where problems are reported. */
  logger: Logger;
  /** Runs a handler body in a fresh request context. */
  run<T>(
    method: string,
    extra: ServerRequestExtra,
    fn: (context: Context) => Promise<T>,
  ): Promise<T>;
}

/** Builds the `run` of a {@link HandlerKit}: every handler body runs in its own {@link Context}. */
export function contextRunner(session: FrontSession): HandlerKit['run'] {
  return async (method, extra, fn) => {
    const context = new Context(session, method, extra);
    try {
      return await runWithContext(context, () => fn(context));
    } finally {
      context.finish();
    }
  };
}
