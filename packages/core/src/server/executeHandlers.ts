import {
  CallToolRequestSchema,
  type CallToolResult,
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '@org/transports';
import type { Context } from '../context/context';
import { withComponentSpan } from '../telemetry';
import { protocolError, RESOURCE_NOT_FOUND, requestFailure, toolFailure } from './errorMapping';
import type { HandlerKit } from './handlerKit';

/**
 * Refuses a task-augmented `tools/call` (tasks are not served). In MCP 2025-11-25 only
 * `tools/call` is task-augmentable: a `task` on `resources/read` or `prompts/get` is ignored, as
 * the spec asks of a receiver not declaring tasks for a request type, and the SDK's schemas of
 * those requests drop the field before a handler sees it.
 */
function refuseTask(params: object | undefined, what: string): void {
  if (params && (params as { task?: unknown }).task !== undefined) {
    throw protocolError(
      ErrorCode.MethodNotFound,
      `${what} does not support task-augmented execution`,
    );
  }
}

/**
 * Reads a resource: listed static resources first, then the first matching template, then a
 * resource no provider lists but one passes on (a proxy's backend may serve it). @internal
 */
export async function readResource(kit: HandlerKit, uri: string, context: Context) {
  const resource = await kit.providers.getResource(uri);
  if (resource && !resource.unlisted) {
    return withComponentSpan('resources/read', resource, () => resource.read(context));
  }
  const template = await kit.providers.getResourceTemplate(uri);
  const params = template?.matches(uri);
  if (!template || !params) {
    if (resource)
      return withComponentSpan('resources/read', resource, () => resource.read(context));
    throw protocolError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`);
  }
  return withComponentSpan('resources/read', template, async () => {
    const made = await template.createResource(uri, params, context);
    return made.read(context);
  });
}

/** Registers `tools/call`, `resources/read`, `prompts/get` and `completion/complete`. @internal */
export function registerExecuteHandlers(kit: HandlerKit): void {
  const { sdk, providers, maskErrorDetails: mask } = kit;
  sdk.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    kit.run(
      'tools/call',
      extra,
      async (context): Promise<CallToolResult> => {
        const { name } = request.params;
        refuseTask(request.params, `Tool ${name}`);
        let tool: Awaited<ReturnType<typeof providers.getTool>>;
        try {
          tool = await providers.getTool(name);
        } catch (error) {
          return toolFailure(name, error, mask);
        }
        if (!tool) throw protocolError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
        const found = tool;
        try {
          return await withComponentSpan(`tools/call ${name}`, found, () =>
            found.run(request.params.arguments ?? {}, context),
          );
        } catch (error) {
          return toolFailure(name, error, mask);
        }
      },
      { name: request.params.name, arguments: request.params.arguments },
    ),
  );
  sdk.setRequestHandler(ReadResourceRequestSchema, (request, extra) =>
    kit.run(
      'resources/read',
      extra,
      async (context) => {
        const { uri } = request.params;
        try {
          return await readResource(kit, uri, context);
        } catch (error) {
          throw requestFailure(`reading resource ${uri}`, error, mask);
        }
      },
      { name: request.params.uri },
    ),
  );
  sdk.setRequestHandler(GetPromptRequestSchema, (request, extra) =>
    kit.run(
      'prompts/get',
      extra,
      async (context) => {
        const { name } = request.params;
        try {
          const prompt = await providers.getPrompt(name);
          if (!prompt) throw new ProxyError(ProxyErrorCode.NotFound, `Unknown prompt: ${name}`);
          return await withComponentSpan(`prompts/get ${name}`, prompt, () =>
            prompt.render(request.params.arguments ?? {}, context),
          );
        } catch (error) {
          throw requestFailure(`rendering prompt ${name}`, error, mask);
        }
      },
      { name: request.params.name, arguments: request.params.arguments },
    ),
  );
  sdk.setRequestHandler(CompleteRequestSchema, (request, extra) =>
    kit.run('completion/complete', extra, async (context) => {
      const { ref, argument } = request.params;
      const completion = {
        argument,
        ...(request.params.context?.arguments
          ? { arguments: request.params.context.arguments }
          : {}),
      };
      try {
        if (ref.type === 'ref/prompt') {
          const prompt = await providers.getPrompt(ref.name);
          if (!prompt) throw new ProxyError(ProxyErrorCode.NotFound, `Unknown prompt: ${ref.name}`);
          return { completion: await prompt.complete(completion, context) };
        }
        const template = await providers.findResourceTemplate(ref.uri);
        if (!template)
          throw new ProxyError(ProxyErrorCode.NotFound, `Unknown resource template: ${ref.uri}`);
        return { completion: await template.complete(completion, context) };
      } catch (error) {
        throw requestFailure('completing an argument', error, mask);
      }
    }),
  );
}
