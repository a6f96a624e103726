import type { Logger } from '@org/transports';

/** What each logger was already warned about: kind and backend. */
const warned = new WeakMap<Logger, Set<string>>();

/**
 * Reports that something a backend sent was dropped because it had nowhere to go: at warning
 * level the first time for each logger, backend and kind (so that the drop is seen at all), at
 * debug level after (so that a chatty backend does not flood the log).
 * @internal
 */
export function reportDrop(
  target: { backend: string; logger: Logger },
  dropped: { one: string; kind: string },
  why: string,
): void {
  const { one, kind } = dropped;
  const message = `Dropped ${one} from backend ${target.backend}: ${why}`;
  let seen = warned.get(target.logger);
  if (!seen) {
    seen = new Set();
    warned.set(target.logger, seen);
  }
  const key = `${kind}\u0000${target.backend}`;
  if (seen.has(key)) {
    target.logger.debug(message);
    return;
  }
  seen.add(key);
  target.logger.warn(
    `${message} (further drops of ${kind} from this backend are logged at debug level)`,
  );
}
