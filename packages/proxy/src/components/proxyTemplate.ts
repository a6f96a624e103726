import type { ResourceTemplate as McpResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import {
  type CompletionRequest,
  type CompletionResult,
  type Context,
  type Resource,
  ResourceTemplate,
  type SpanAttributes,
  UriTemplate,
  type UriTemplateParams,
} from '@org/core';
import { subscribeBackend, unsubscribeBackend } from './backendSubscriptions';
import { type ClientFactory, completeOnBackend, SPAN_PROVIDER_TYPE } from './clientFactory';
import { ProxyResource } from './proxyResource';
import { wireExtras } from './wireExtras';

/** The fields of a wire resource template that {@link ProxyTemplate} models. */
const TEMPLATE_FIELDS = [
  'uriTemplate',
  'name',
  'title',
  'description',
  'icons',
  '_meta',
  'mimeType',
  'annotations',
] as const;

/**
 * A resource template of a backend. It keeps every field of the backend's template (those it
 * does not model too: they are listed as the backend gave them) and the backend's own URI
 * template across renames. A URI the client asks for goes to the backend
 * verbatim when the template was not renamed; a renamed (namespaced) template expands the
 * backend's template with the parameters the client's URI matched.
 */
export class ProxyTemplate extends ResourceTemplate {
  /** The URI template on the backend. */
  readonly backendUriTemplate: string;
  /** Where the backend client comes from. */
  readonly clientFactory: ClientFactory;
  /** Fields of the backend's wire template that this class does not model, listed verbatim. */
  readonly wireExtras: Readonly<Record<string, unknown>>;

  /**
   * @param clientFactory - gives the backend client for each read
   * @param template - the backend's template, as `resources/templates/list` gave it
   */
  constructor(clientFactory: ClientFactory, template: McpResourceTemplate) {
    super({
      uriTemplate: template.uriTemplate,
      name: template.name,
      title: template.title,
      description: template.description,
      icons: template.icons,
      meta: template._meta,
      mimeType: template.mimeType,
      annotations: template.annotations,
    });
    this.backendUriTemplate = template.uriTemplate;
    this.clientFactory = clientFactory;
    this.wireExtras = wireExtras(template, TEMPLATE_FIELDS);
  }

  /** Makes a proxy template from the backend's wire template. */
  static fromMcpTemplate(
    clientFactory: ClientFactory,
    template: McpResourceTemplate,
  ): ProxyTemplate {
    return new ProxyTemplate(clientFactory, template);
  }

  /** The wire form: the backend's unmodelled fields, then the modelled ones (which win). */
  override toWire(): McpResourceTemplate {
    return { ...this.wireExtras, ...super.toWire() };
  }

  /** The backend URI for a URI the client asked for. */
  backendUriFor(uri: string, params: UriTemplateParams): string {
    if (this.uriTemplate === this.backendUriTemplate) return uri;
    return new UriTemplate(this.backendUriTemplate).expand(params);
  }

  /** A resource reading the backend URI that `uri` names, exposed at `uri`. */
  async createResource(uri: string, params: UriTemplateParams): Promise<Resource> {
    const backendUri = this.backendUriFor(uri, params);
    const resource = new ProxyResource(this.clientFactory, {
      uri: backendUri,
      name: this.name,
      ...(this.title !== undefined ? { title: this.title } : {}),
      ...(this.description !== undefined ? { description: this.description } : {}),
      ...(this.mimeType !== undefined ? { mimeType: this.mimeType } : {}),
    });
    return backendUri === uri ? resource : resource.withUri(uri);
  }

  /** Subscribes to the backend resource that `uri` names (see `ProxyResource.subscribe`). */
  override async subscribe(uri: string, context?: Context): Promise<void> {
    const params = this.matches(uri) ?? {};
    const client = await this.clientFactory();
    await subscribeBackend(client, this.backendUriFor(uri, params), uri, context);
  }

  /** Unsubscribes from the backend resource that `uri` names, once no client session wants it. */
  override async unsubscribe(uri: string, context?: Context): Promise<void> {
    const params = this.matches(uri) ?? {};
    const client = await this.clientFactory();
    await unsubscribeBackend(client, this.backendUriFor(uri, params), context);
  }

  /** Asks the backend to complete a template variable. */
  override async complete(request: CompletionRequest): Promise<CompletionResult> {
    return completeOnBackend(
      this.clientFactory,
      { type: 'ref/resource', uri: this.backendUriTemplate },
      request,
    );
  }

  /** The component's own attributes, the provider type and the backend URI template (never unset). */
  override getSpanAttributes(): SpanAttributes {
    return {
      ...super.getSpanAttributes(),
      [SPAN_PROVIDER_TYPE]: 'ProxyProvider',
      'fastmcp.proxy.backend_uri_template': this.backendUriTemplate,
    };
  }
}
