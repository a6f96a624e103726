import type {
  Annotations,
  ResourceTemplate as McpResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import type { Context } from '../context/context';
import type { CompletionRequest, CompletionResult } from './completion';
import { Component, type ComponentInit, commonWireFields } from './component';
import type { Resource } from './resource';
import { UriTemplate, type UriTemplateParams } from './uriTemplate';

/** Fields of a resource template, given when it is made. */
export interface ResourceTemplateInit extends ComponentInit {
  /** The RFC 6570 URI template. */
  uriTemplate: string;
  /** Its name. */
  name: string;
  /** The MIME type of the resources it makes. */
  mimeType?: string;
  /** Audience, priority and last-modified hints. */
  annotations?: Annotations;
}

/**
 * A resource template: a URI template and a way to make the resource a matching URI names.
 * Subclasses implement {@link ResourceTemplate.createResource}.
 */
export abstract class ResourceTemplate extends Component {
  /** Always `'template'`. */
  readonly kind = 'template' as const;
  /** The RFC 6570 URI template text. */
  readonly uriTemplate: string;
  /** Its name. */
  readonly name: string;
  /** The MIME type of the resources it makes. */
  readonly mimeType: string | undefined;
  /** Audience, priority and last-modified hints. */
  readonly annotations: Annotations | undefined;
  /** The parsed template. */
  readonly template: UriTemplate;

  /** @param init - the template's fields */
  constructor(init: ResourceTemplateInit) {
    super(init);
    this.uriTemplate = init.uriTemplate;
    this.name = init.name;
    this.mimeType = init.mimeType;
    this.annotations = init.annotations;
    this.template = new UriTemplate(init.uriTemplate);
  }

  /** The URI template text. */
  get key(): string {
    return this.uriTemplate;
  }

  /** The parameters a URI gives this template, or `undefined` when it does not match. */
  matches(uri: string): UriTemplateParams | undefined {
    return this.template.match(uri);
  }

  /**
   * Makes the resource that `uri` names.
   * @param uri - the URI the client asked for
   * @param params - what {@link ResourceTemplate.matches} extracted from it
   * @param context - the current request's context
   */
  abstract createResource(
    uri: string,
    params: UriTemplateParams,
    context?: Context,
  ): Promise<Resource>;

  /** Suggests values for a template variable. The default suggests nothing. */
  async complete(_request: CompletionRequest, _context?: Context): Promise<CompletionResult> {
    return { values: [] };
  }

  /**
   * Asks to be told when the resource at `uri` (which matches this template) changes. The
   * default does nothing; a proxy template forwards it.
   */
  async subscribe(_uri: string, _context?: Context): Promise<void> {}

  /** Stops a {@link ResourceTemplate.subscribe}. */
  async unsubscribe(_uri: string, _context?: Context): Promise<void> {}

  /** A copy under another URI template. */
  withUriTemplate(uriTemplate: string): this {
    return this.copy({ uriTemplate } as Partial<this>);
  }

  /**
   * Keeps the parsed template in step with `uriTemplate` when a copy changes it (through
   * {@link ResourceTemplate.withUriTemplate} or a plain `copy`). Subclasses overriding this
   * call `super.copied(original)`.
   */
  protected override copied(original: this): void {
    super.copied(original);
    if (this.template.template !== this.uriTemplate) {
      Object.assign(this, { template: new UriTemplate(this.uriTemplate) });
    }
  }

  /** The MCP wire form, as listed by `resources/templates/list`. */
  toWire(): McpResourceTemplate {
    const wire: Record<string, unknown> = { uriTemplate: this.uriTemplate, name: this.name };
    commonWireFields(this, wire);
    if (this.mimeType !== undefined) wire.mimeType = this.mimeType;
    if (this.annotations !== undefined) wire.annotations = this.annotations;
    return wire as McpResourceTemplate;
  }
}
