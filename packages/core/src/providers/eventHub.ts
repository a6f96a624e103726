import type { ProviderEvent, ProviderListener } from './provider';

/** A small fan-out of {@link ProviderEvent}s to listeners; a failing listener never stops the others. */
export class EventHub {
  #listeners = new Set<ProviderListener>();

  /** Adds a listener; returns a function removing it. */
  subscribe(listener: ProviderListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Delivers an event to every listener. */
  emit(event: ProviderEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still hear the event.
      }
    }
  }

  /** How many listeners there are. */
  get size(): number {
    return this.#listeners.size;
  }
}
