import type { Client } from '@org/proxy';
import type { Inbox } from '../client/inbox';
import type { AnswerCounts } from '../client/scriptedClient';
import type { DemoProxy } from '../demoProxy';

/** What every step of the tour works with. */
export interface Tour {
  /** The scripted client, connected to the proxy. */
  client: Client;
  /** The notifications the client received. */
  inbox: Inbox;
  /** What the client answered so far (sampling, elicitation, roots). */
  answered: AnswerCounts;
  /** The backends and the proxy. */
  demo: DemoProxy;
}

/** One step of the tour: a feature, shown through the proxy. */
export interface Step {
  /** The heading printed before the step runs. */
  title: string;
  /** Runs the step, printing what crosses the proxy; throws when something is not as expected. */
  run(tour: Tour): Promise<void>;
}

/** A failed expectation of the tour. */
export class TourCheckError extends Error {
  override readonly name = 'TourCheckError';
}

/**
 * Throws a {@link TourCheckError} with `message` unless `condition` holds.
 * @throws TourCheckError
 */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new TourCheckError(message);
}
