import type { Context } from '../context/context';
import { currentContext } from '../context/storage';
import { metaWithTags } from './component';
import { Resource, type ResourceInit, type ResourceResult } from './resource';
import { type ResourceReturn, toResourceResult } from './resourceContents';

/** How to define a local resource with {@link defineResource}. */
export interface ResourceDefinition extends Omit<ResourceInit, 'name'> {
  /** Its name. @default the URI */
  name?: string;
  /** Reads the contents: a string (text), bytes (blob), content items, or a full result. */
  read: (uri: string, context: Context | undefined) => ResourceReturn | Promise<ResourceReturn>;
}

/** A resource defined in-process by a function. */
export class LocalResource extends Resource {
  /** The function reading the contents. */
  protected readonly reader: ResourceDefinition['read'];

  /** @param definition - metadata and reader */
  constructor(definition: ResourceDefinition) {
    const { read, ...init } = definition;
    super({ ...init, name: init.name ?? init.uri, meta: metaWithTags(init.meta, init.tags) });
    this.reader = read;
  }

  /** Runs the reader and shapes its result. */
  async read(context?: Context): Promise<ResourceResult> {
    const value = await this.reader(this.uri, context ?? currentContext());
    return toResourceResult(value, this.uri, this.mimeType);
  }
}

/**
 * Defines a resource from a function.
 *
 * @example
 * ```ts
 * const readme = defineResource({
 *   uri: 'docs://readme',
 *   mimeType: 'text/markdown',
 *   read: () => '# Hello',
 * });
 * ```
 */
export function defineResource(definition: ResourceDefinition): LocalResource {
  return new LocalResource(definition);
}
