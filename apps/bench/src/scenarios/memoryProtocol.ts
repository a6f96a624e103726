/** One memory reading of the proxy process, taken after garbage collection. */
export interface MemoryReading {
  /** Resident set size, in bytes. */
  rss: number;
  /** V8 heap in use, in bytes. */
  heapUsed: number;
  /** Memory of C++ objects bound to JavaScript objects, in bytes. */
  external: number;
  /** Open client sessions of the HTTP server. */
  sessions: number;
}

/** What the runner asks the memory child. */
export type ParentMessage = { type: 'measure' } | { type: 'stop' };

/** What the memory child answers. */
export type ChildMessage =
  | { type: 'ready'; url: string }
  | ({ type: 'reading' } & MemoryReading)
  | { type: 'error'; message: string };
