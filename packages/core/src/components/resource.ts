import type {
  Annotations,
  Resource as McpResource,
  ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { Context } from '../context/context';
import { Component, type ComponentInit, commonWireFields } from './component';

/** What reading a resource returns: the MCP `ReadResourceResult` (text or base64 blob contents with mime types). */
export type ResourceResult = ReadResourceResult;

/** Fields of a resource, given when it is made. */
export interface ResourceInit extends ComponentInit {
  /** The resource's URI, unique within a server. */
  uri: string;
  /** Its name. */
  name: string;
  /** The MIME type of its contents. */
  mimeType?: string;
  /** Its size in bytes, if known. */
  size?: number;
  /** Audience, priority and last-modified hints. */
  annotations?: Annotations;
}

/** A resource: a URI and a way to read it. Subclasses implement {@link Resource.read}. */
export abstract class Resource extends Component {
  /** Always `'resource'`. */
  readonly kind = 'resource' as const;
  /** The resource's URI. */
  readonly uri: string;
  /** Its name. */
  readonly name: string;
  /** The MIME type of its contents. */
  readonly mimeType: string | undefined;
  /** Its size in bytes. */
  readonly size: number | undefined;
  /** Audience, priority and last-modified hints. */
  readonly annotations: Annotations | undefined;

  /** @param init - the resource's fields */
  constructor(init: ResourceInit) {
    super(init);
    this.uri = init.uri;
    this.name = init.name;
    this.mimeType = init.mimeType;
    this.size = init.size;
    this.annotations = init.annotations;
  }

  /** The resource's URI. */
  get key(): string {
    return this.uri;
  }

  /**
   * Reads the resource.
   * @param context - the current request's context (also available from `currentContext()`)
   */
  abstract read(context?: Context): Promise<ResourceResult>;

  /** A copy under another URI. */
  withUri(uri: string): this {
    return this.copy({ uri } as Partial<this>);
  }

  /**
   * Asks to be told when the resource changes. The default does nothing (a server reports
   * changes of its own resources with `notifyResourceUpdated`); a proxy resource forwards it.
   */
  async subscribe(_context?: Context): Promise<void> {}

  /** Stops a {@link Resource.subscribe}. */
  async unsubscribe(_context?: Context): Promise<void> {}

  /** The MCP wire form, as listed by `resources/list`. */
  toWire(): McpResource {
    const wire: Record<string, unknown> = { uri: this.uri, name: this.name };
    commonWireFields(this, wire);
    if (this.mimeType !== undefined) wire.mimeType = this.mimeType;
    if (this.size !== undefined) wire.size = this.size;
    if (this.annotations !== undefined) wire.annotations = this.annotations;
    return wire as McpResource;
  }
}
