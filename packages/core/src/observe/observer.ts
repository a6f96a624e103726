import type { ObservedEventName, ObservedEvents } from './observedEvents';

/** A listener of one kind of event. */
export type ObserverListener<K extends ObservedEventName> = (event: ObservedEvents[K]) => void;

type Listeners = { [K in ObservedEventName]?: Array<ObserverListener<K>> };

/**
 * Where a server, its proxy providers and their backend clients report what they do (see
 * {@link ObservedEvents}). Listeners run synchronously, in order; a listener that throws is
 * dropped from that one delivery and never reaches the request path. With no listener for an
 * event, reporting it costs one property read: check {@link Observer.wants} before building an
 * event that costs something to build.
 *
 * One observer is shared by a proxy and everything it makes: `createProxy` makes one (or takes
 * `options.observer`), and `ProxyServer.observer` gives it to listeners.
 *
 * @example
 * ```ts
 * const proxy = createProxy(target);
 * const stop = proxy.observer.on('request', (event) => {
 *   console.log(event.method, event.server, event.outcome, event.durationMs);
 * });
 * ```
 */
export class Observer {
  readonly #listeners: Listeners = {};

  /**
   * Listens to `name` until the returned function is called.
   * @returns a function that removes the listener
   */
  on<K extends ObservedEventName>(name: K, listener: ObserverListener<K>): () => void {
    const list = (this.#listeners[name] ?? []) as Array<ObserverListener<K>>;
    // A new array: an emit in progress keeps the list it started with.
    (this.#listeners as Record<string, unknown>)[name] = [...list, listener];
    return () => {
      const now = (this.#listeners[name] ?? []) as Array<ObserverListener<K>>;
      const rest = now.filter((l) => l !== listener);
      (this.#listeners as Record<string, unknown>)[name] = rest.length ? rest : undefined;
    };
  }

  /** Whether anything listens to `name`. */
  wants(name: ObservedEventName): boolean {
    return this.#listeners[name] !== undefined;
  }

  /** Reports an event to its listeners. */
  emit<K extends ObservedEventName>(name: K, event: ObservedEvents[K]): void {
    const list = this.#listeners[name] as Array<ObserverListener<K>> | undefined;
    if (list === undefined) return;
    for (const listener of list) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own: the work it observes goes on.
      }
    }
  }
}
