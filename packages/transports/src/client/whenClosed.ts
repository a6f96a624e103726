import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * Calls `callback` once when `transport` closes, whether through `close()` or from the other
 * side, without taking its `onclose` slot from whoever sets it later (such as the SDK's
 * `Client`, which chains the handler it finds). Internal.
 */
export function whenClosed(transport: Transport, callback: () => void): void {
  let called = false;
  const notify = () => {
    if (called) return;
    called = true;
    callback();
  };
  let handler = transport.onclose;
  Object.defineProperty(transport, 'onclose', {
    configurable: true,
    enumerable: true,
    get: () => {
      const current = handler;
      return () => {
        notify();
        current?.();
      };
    },
    set: (value: (() => void) | undefined) => {
      handler = value;
    },
  });
  const close = transport.close.bind(transport);
  transport.close = async () => {
    try {
      await close();
    } finally {
      notify();
    }
  };
}
