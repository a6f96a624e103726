import { Context, type FrontSession, type Provider, runWithContext } from '@org/core';
import { errorMessage, type Logger } from '@org/transports';
import { raceDeadline, TIMED_OUT } from '../provider/groupHealth';

/** A provider added while sessions were open, with the name used in messages. */
export interface AddedProvider {
  /** The backend's name. */
  readonly name: string;
  /** Its exposed provider. */
  readonly provider: Provider;
}

/**
 * Tells providers added by a reload the log level each open client session asked for with
 * `logging/setLevel` (in that session's context, as its own request would have), so that a
 * server added while a client was connected logs to it as the others do. Each provider waits
 * at most `deadlineMs`; a failure is logged, never thrown. @internal
 */
export async function passSessionLevels(
  sessions: readonly FrontSession[],
  added: readonly AddedProvider[],
  deadlineMs: number,
  logger: Logger,
): Promise<void> {
  const asked = sessions.filter((s) => s.initialized && !s.closed && s.logLevel !== undefined);
  if (asked.length === 0 || added.length === 0) return;
  await Promise.all(
    added.flatMap(({ name, provider }) =>
      asked.map(async (session) => {
        const context = Context.forSession(session, 'logging/setLevel');
        const work = runWithContext(context, () =>
          Promise.resolve(provider.setLogLevel?.(session.logLevel!)),
        )
          .then(() => undefined)
          .catch((error: unknown) => {
            logger.debug(
              `Cannot pass session ${session.id}'s log level to MCP server ${name}: ${errorMessage(error)}`,
            );
          });
        try {
          if ((await raceDeadline(work, deadlineMs)) === TIMED_OUT) {
            logger.debug(
              `MCP server ${name} took too long to take session ${session.id}'s log level`,
            );
          }
        } finally {
          context.finish();
        }
      }),
    ),
  );
}
