/** One memory reading of the proxy process, taken after garbage collection. */
export interface MemoryReading {
  /** Resident set size, in bytes. */
  rss: number;
  /** V8 heap in use, in bytes. */
  heapUsed: number;
  /** V8 heap reserved (in use or free), in bytes. */
  heapTotal: number;
  /** Memory of C++ objects bound to JavaScript objects, in bytes. */
  external: number;
  /** Open client sessions of the HTTP server. */
  sessions: number;
  /** Open TCP sockets (SSE streams and keep-alive connections). */
  sockets: number;
}

/** What the memory child serves: the proxy, or the echo server alone for reference. */
export type MemoryTarget = 'proxy' | 'plain';

/** What the runner asks the memory child. */
export type ParentMessage = { type: 'measure' } | { type: 'stop' };

/** What the memory child answers. */
export type ChildMessage =
  | { type: 'ready'; url: string }
  | ({ type: 'reading' } & MemoryReading)
  | { type: 'error'; message: string };
