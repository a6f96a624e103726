import { ProxyError, ProxyErrorCode } from '@org/transports';
import type { z } from 'zod';
import type { Context } from '../context/context';
import { currentContext } from '../context/storage';
import {
  type Completer,
  type CompletionRequest,
  type CompletionResult,
  completionFromValues,
} from './completion';
import { metaWithTags } from './component';
import { LocalResource } from './localResource';
import type { Resource } from './resource';
import type { ResourceReturn } from './resourceContents';
import { ResourceTemplate, type ResourceTemplateInit } from './resourceTemplate';
import type { UriTemplateParams } from './uriTemplate';
import { describeIssues } from './zodSchemas';

/** How to define a local resource template with {@link defineResourceTemplate}. */
export interface ResourceTemplateDefinition<TParams extends z.ZodObject | undefined = undefined>
  extends ResourceTemplateInit {
  /** A zod schema the matched parameters are validated (and coerced) with. */
  params?: TParams;
  /** Suggests values for template variables, by variable name. */
  complete?: Record<string, Completer>;
  /** Reads the resource a matching URI names. */
  read: (
    params: TParams extends z.ZodObject ? z.infer<TParams> : UriTemplateParams,
    context: Context | undefined,
    uri: string,
  ) => ResourceReturn | Promise<ResourceReturn>;
}

/** A resource template defined in-process by a function. */
export class LocalResourceTemplate extends ResourceTemplate {
  /** The schema of the parameters. */
  protected readonly paramsZod: z.ZodObject | undefined;
  /** Completers by variable name. */
  protected readonly completers: Record<string, Completer>;
  /** The function reading a matched resource. */
  protected readonly reader: ResourceTemplateDefinition<z.ZodObject>['read'];

  /** @param definition - metadata, parameter schema and reader */
  constructor(definition: ResourceTemplateDefinition<z.ZodObject | undefined>) {
    const { read, params, complete, ...init } = definition;
    super({ ...init, meta: metaWithTags(init.meta, init.tags) });
    this.paramsZod = params;
    this.completers = complete ?? {};
    this.reader = read as ResourceTemplateDefinition<z.ZodObject>['read'];
  }

  /** Validates the parameters and makes a resource that reads through the template's reader. */
  async createResource(
    uri: string,
    params: UriTemplateParams,
    context?: Context,
  ): Promise<Resource> {
    let parsed: Record<string, unknown> = params;
    if (this.paramsZod) {
      const check = this.paramsZod.safeParse(params);
      if (!check.success) {
        throw new ProxyError(
          ProxyErrorCode.InvalidArguments,
          `Invalid parameters for resource template ${this.uriTemplate}: ${describeIssues(check.error)}`,
        );
      }
      parsed = check.data;
    }
    const reader = this.reader;
    const ctx = context ?? currentContext();
    return new LocalResource({
      uri,
      name: this.name,
      ...(this.title !== undefined ? { title: this.title } : {}),
      ...(this.description !== undefined ? { description: this.description } : {}),
      ...(this.mimeType !== undefined ? { mimeType: this.mimeType } : {}),
      read: () => reader(parsed as never, ctx, uri),
    });
  }

  /** Suggests values with the completer registered for the variable, if any. */
  override async complete(request: CompletionRequest): Promise<CompletionResult> {
    const completer = this.completers[request.argument.name];
    if (!completer) return { values: [] };
    return completionFromValues(await completer(request.argument.value, request));
  }
}

/**
 * Defines a resource template from a function.
 *
 * @example
 * ```ts
 * const user = defineResourceTemplate({
 *   uriTemplate: 'users://{id}/profile',
 *   name: 'user-profile',
 *   mimeType: 'application/json',
 *   read: ({ id }) => JSON.stringify({ id }),
 * });
 * ```
 */
export function defineResourceTemplate<TParams extends z.ZodObject | undefined = undefined>(
  definition: ResourceTemplateDefinition<TParams>,
): LocalResourceTemplate {
  return new LocalResourceTemplate(
    definition as ResourceTemplateDefinition<z.ZodObject | undefined>,
  );
}
