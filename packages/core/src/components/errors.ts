/**
 * Thrown by a tool to report a failure to the client as a tool result with `isError: true`
 * (the model sees the message and may try again). Any other exception is a failure of the
 * server, whose details may be masked.
 */
export class ToolError extends Error {
  /** @param message - what went wrong, shown to the client */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolError';
  }
}

/** Thrown by a resource or template to report a failure reading it; its message reaches the client. */
export class ResourceError extends Error {
  /** @param message - what went wrong, shown to the client */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResourceError';
  }
}

/** Thrown by a prompt to report a failure rendering it; its message reaches the client. */
export class PromptError extends Error {
  /** @param message - what went wrong, shown to the client */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PromptError';
  }
}
