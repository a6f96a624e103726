import { ProxyError, ProxyErrorCode } from '../errors';

/**
 * What every connector checks before opening a connection: that it is not closed
 * (`CLOSED`) and that the attempt was not aborted already (`BACKEND_UNAVAILABLE`, with the
 * abort reason as its cause).
 * @internal
 */
export function assertConnectable(name: string, closed: boolean, signal?: AbortSignal): void {
  if (closed) throw new ProxyError(ProxyErrorCode.Closed, `Connector is closed: ${name}`);
  if (signal?.aborted) {
    throw new ProxyError(ProxyErrorCode.BackendUnavailable, `Connection aborted: ${name}`, {
      cause: signal.reason,
    });
  }
}
