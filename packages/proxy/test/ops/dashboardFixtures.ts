import { within } from '@org/test-utils';

/** One server-sent event. */
export interface SseEvent {
  event: string;
  data: string;
}

/** An open event stream read over real HTTP, collecting its events and comments. */
export interface SseReader {
  readonly status: number;
  readonly contentType: string | null;
  readonly events: SseEvent[];
  readonly comments: string[];
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream with `headers`; parses frames as they arrive. */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseReader> {
  const abort = new AbortController();
  const response = await within(
    fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal }),
    10_000,
    'the event stream to answer',
  );
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const ended = (async () => {
    if (!response.body || response.status !== 200) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ event, data: data.join('\n') });
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    comments,
    ended,
    close: () => abort.abort(),
  };
}
