import type {
  Resource as McpResource,
  ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import { type Context, Resource, type SpanAttributes } from '@org/core';
import { subscribeBackend, unsubscribeBackend } from './backendSubscriptions';
import { type ClientFactory, SPAN_PROVIDER_TYPE } from './clientFactory';
import { wireExtras } from './wireExtras';

/** The fields of a wire resource that {@link ProxyResource} models. */
const RESOURCE_FIELDS = [
  'uri',
  'name',
  'title',
  'description',
  'icons',
  '_meta',
  'mimeType',
  'size',
  'annotations',
] as const;

/**
 * The result of reading `backendUri`, as the client asked for `uri`: content items that carry
 * the backend URI carry the exposed one instead; everything else (text, blobs, mime types,
 * item and result `_meta`) is unchanged.
 */
export function exposeContents(
  result: ReadResourceResult,
  backendUri: string,
  uri: string,
): ReadResourceResult {
  if (backendUri === uri) return result;
  return {
    ...result,
    contents: result.contents.map((item) => (item.uri === backendUri ? { ...item, uri } : item)),
  };
}

/**
 * A resource read from a backend. It keeps every field of the backend's resource (annotations
 * and size included, and those it does not model: they are listed as the backend gave them) and
 * the backend's own URI across renames.
 */
export class ProxyResource extends Resource {
  /** The resource's URI on the backend. */
  readonly backendUri: string;
  /** Where the backend client comes from. */
  readonly clientFactory: ClientFactory;
  /** Fields of the backend's wire resource that this class does not model, listed verbatim. */
  readonly wireExtras: Readonly<Record<string, unknown>>;

  /**
   * @param clientFactory - gives the backend client for each read
   * @param resource - the backend's resource, as `resources/list` gave it
   */
  constructor(clientFactory: ClientFactory, resource: McpResource) {
    super({
      uri: resource.uri,
      name: resource.name,
      title: resource.title,
      description: resource.description,
      icons: resource.icons,
      meta: resource._meta,
      mimeType: resource.mimeType,
      size: resource.size,
      annotations: resource.annotations,
    });
    this.backendUri = resource.uri;
    this.clientFactory = clientFactory;
    this.wireExtras = wireExtras(resource, RESOURCE_FIELDS);
  }

  /** Makes a proxy resource from the backend's wire resource. */
  static fromMcpResource(clientFactory: ClientFactory, resource: McpResource): ProxyResource {
    return new ProxyResource(clientFactory, resource);
  }

  /** The wire form: the backend's unmodelled fields, then the modelled ones (which win). */
  override toWire(): McpResource {
    return { ...this.wireExtras, ...super.toWire() };
  }

  /** Reads the resource from the backend, by its backend URI. */
  async read(): Promise<ReadResourceResult> {
    const client = await this.clientFactory();
    return exposeContents(await client.readResource(this.backendUri), this.backendUri, this.uri);
  }

  /**
   * Subscribes to the backend resource's updates (once per backend session, however many
   * client sessions it serves).
   */
  override async subscribe(context?: Context): Promise<void> {
    const client = await this.clientFactory();
    await subscribeBackend(client, this.backendUri, this.uri, context);
  }

  /** Unsubscribes from the backend resource's updates, once no client session wants them. */
  override async unsubscribe(context?: Context): Promise<void> {
    const client = await this.clientFactory();
    await unsubscribeBackend(client, this.backendUri, context);
  }

  /** The component's own attributes, the provider type and the backend URI (never unset). */
  override getSpanAttributes(): SpanAttributes {
    return {
      ...super.getSpanAttributes(),
      [SPAN_PROVIDER_TYPE]: 'ProxyProvider',
      'fastmcp.proxy.backend_uri': this.backendUri,
    };
  }
}
