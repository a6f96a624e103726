import type { IncomingMessage } from 'node:http';

/** What {@link readBody} yields for a body over the limit. */
export const BODY_TOO_LARGE = Symbol('bodyTooLarge');

/**
 * Reads a request body into one buffer, up to `limit` bytes. A declared `Content-Length` over
 * the limit is refused before reading; otherwise reading stops as soon as the limit is passed.
 * Rejects when the client goes away before the body is complete.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<Buffer | typeof BODY_TOO_LARGE> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.resolve(BODY_TOO_LARGE);
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(BODY_TOO_LARGE);
      } else if (first === undefined) {
        first = chunk;
      } else {
        chunks ??= [first];
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      cleanup();
      if (chunks !== undefined) resolve(Buffer.concat(chunks, size));
      else resolve(first ?? Buffer.alloc(0));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('Request closed before its body was complete'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Whether a `Content-Type` names `application/json` (parameters such as charset allowed). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  if (header === 'application/json') return true;
  const semicolon = header.indexOf(';');
  const type = semicolon === -1 ? header : header.slice(0, semicolon);
  return type.trim().toLowerCase() === 'application/json';
}
