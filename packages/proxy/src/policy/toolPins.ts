import { createHash } from 'node:crypto';
import type { Observer, Tool } from '@org/core';
import { errorMessage, type Logger, noopLogger } from '@org/transports';
import { canonicalJson } from '../canonicalJson';
import { ProxyTool } from '../components/proxyTool';
import { definitionDiff } from './definitionDiff';
import {
  type PinFileContent,
  type PinnedDefinition,
  pinFileTime,
  readPinFile,
  writePinFile,
} from './pinFile';
import type { PinAction } from './policyTypes';

/** How often, at most, the pin file is checked for changes made by another process. */
const RECHECK_MS = 1000;

/** Options of {@link ToolPins}. */
export interface ToolPinsOptions {
  /** The pin file. */
  file: string;
  /** What to do with a changed tool. @default 'withhold' */
  action?: PinAction;
  /** Pins given in the config (`<server>/<tool>` to `sha256:<hex>`): they win over the file's. */
  pins?: Record<string, string>;
  /** Where changes and file failures are logged. */
  logger?: Logger;
  /** Told of each change, once per new definition. */
  observer?: Observer;
}

/** The part of `tool` a pin covers, under its name on the server. */
export function pinnedDefinition(tool: Tool): PinnedDefinition {
  const definition: PinnedDefinition = {
    name: tool instanceof ProxyTool ? tool.backendName : tool.name,
    inputSchema: tool.inputSchema,
  };
  if (tool.title !== undefined) definition.title = tool.title;
  if (tool.description !== undefined) definition.description = tool.description;
  if (tool.outputSchema !== undefined) definition.outputSchema = tool.outputSchema;
  if (tool.annotations !== undefined) definition.annotations = tool.annotations;
  return definition;
}

/** `sha256:<hex>` of a definition's canonical JSON. */
export function definitionDigest(definition: PinnedDefinition): string {
  return `sha256:${createHash('sha256').update(canonicalJson(definition)).digest('hex')}`;
}

/**
 * Tool pinning against a server that changes a tool after it was approved (a "rug pull"). Each
 * tool's definition (name, title, description, schemas, annotations) is recorded in the pin file
 * on first sight, or taken from the config's pins. A tool seen later with another definition
 * is withheld (or, with `warn`, served), logged once with what changed, and recorded under
 * `changed` in the file, where `org-mcp-proxy pins` shows it and `pins approve` accepts it. An
 * approval made by another process is picked up within a second.
 */
export class ToolPins {
  /** What is done with a changed tool. */
  readonly action: PinAction;
  /** The pin file. */
  readonly file: string;
  readonly #configPins: Record<string, string>;
  readonly #logger: Logger;
  readonly #observer: Observer | undefined;
  readonly #digests = new WeakMap<Tool, { definition: PinnedDefinition; digest: string }>();
  #content: PinFileContent | undefined;
  #readAt = 0;
  #fileTime = 0;
  #dirty = false;
  #broken = false;

  /** @param options - the file, the action, the config's pins */
  constructor(options: ToolPinsOptions) {
    this.file = options.file;
    this.action = options.action ?? 'withhold';
    this.#configPins = options.pins ?? {};
    this.#logger = options.logger ?? noopLogger;
    this.#observer = options.observer;
  }

  /** Whether `tool` of `server` may be served: its definition is pinned, new, or `warn` is set. */
  check(server: string, tool: Tool): boolean {
    if (tool.unlisted) return true;
    let seen = this.#digests.get(tool);
    if (!seen) {
      const definition = pinnedDefinition(tool);
      seen = { definition, digest: definitionDigest(definition) };
      this.#digests.set(tool, seen);
    }
    const key = `${server}/${seen.definition.name}`;
    const content = this.#current();
    const pinned = this.#configPins[key] ?? content.tools[key]?.digest;
    if (pinned === undefined) {
      content.tools[key] = {
        digest: seen.digest,
        definition: seen.definition,
        pinnedAt: new Date().toISOString(),
      };
      this.#save();
      return true;
    }
    // A change stays recorded until approved, even while other sessions (or this one, later)
    // show the pinned definition: backend sessions may each serve their own.
    if (pinned === seen.digest) return true;
    if (content.changed[key]?.digest !== seen.digest)
      this.#recordChange(server, key, seen, content);
    return this.action === 'warn';
  }

  #recordChange(
    server: string,
    key: string,
    seen: { definition: PinnedDefinition; digest: string },
    content: PinFileContent,
  ): void {
    content.changed[key] = {
      digest: seen.digest,
      definition: seen.definition,
      seenAt: new Date().toISOString(),
    };
    this.#save();
    const before = content.tools[key]?.definition;
    const diff = before
      ? definitionDiff(before, seen.definition)
      : ['(pinned in the config: the earlier definition is not known)'];
    const verb =
      this.action === 'warn' ? 'served anyway (pinning action warn)' : 'withheld until approved';
    this.#logger.warn(
      `Tool ${key} changed since it was pinned: ${verb}; approve with "org-mcp-proxy pins approve ${key}". Changes:\n  ${diff.join('\n  ')}`,
    );
    this.#observer?.emit('policy', {
      type: 'toolChanged',
      server,
      tool: seen.definition.name,
      action: this.action,
    });
  }

  /** The pins as they stand, re-read when another process changed the file. */
  #current(): PinFileContent {
    const now = Date.now();
    if (this.#content && now - this.#readAt < RECHECK_MS) return this.#content;
    this.#readAt = now;
    const time = pinFileTime(this.file);
    if (this.#content && time === this.#fileTime) return this.#content;
    try {
      this.#content = readPinFile(this.file);
      this.#fileTime = time;
      this.#broken = false;
    } catch (error) {
      if (!this.#broken) this.#logger.error(`Cannot read the pin file: ${errorMessage(error)}`);
      this.#broken = true;
      this.#content ??= { version: 1, tools: {}, changed: {} };
    }
    return this.#content;
  }

  /** Writes the file once the current turn's checks are done. */
  #save(): void {
    if (this.#dirty || this.#broken) return;
    this.#dirty = true;
    queueMicrotask(() => {
      this.#dirty = false;
      if (!this.#content) return;
      try {
        writePinFile(this.file, this.#content);
        this.#fileTime = pinFileTime(this.file);
      } catch (error) {
        this.#logger.error(`Cannot write the pin file ${this.file}: ${errorMessage(error)}`);
      }
    });
  }
}
