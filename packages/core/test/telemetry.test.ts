import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  LocalProvider,
  LocalResource,
  LocalTool,
  ProviderServer,
  type SpanAttributes,
  ToolError,
} from '@org/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectInMemory } from './helpers';

let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
});

afterEach(async () => {
  trace.disable();
  await provider.shutdown();
});

function tracedServer() {
  const server = new ProviderServer({ name: 'traced' }).add(
    defineTool({ name: 'add', handler: () => 'sum' }),
    defineTool({
      name: 'fails',
      handler: () => {
        throw new ToolError('No luck');
      },
    }),
    defineResource({ uri: 'data://static', read: () => 'static' }),
    defineResourceTemplate({
      uriTemplate: 'data://items/{id}',
      name: 'item',
      read: ({ id }) => `item ${id}`,
    }),
    definePrompt({ name: 'greet', render: () => 'hello' }),
  );
  server.addProvider(
    new LocalProvider('remote').add(defineTool({ name: 'far', handler: () => 'far' })),
    {
      namespace: 'ns',
    },
  );
  return server;
}

/** A tool that describes itself on spans with attributes of its own. */
class BilledTool extends LocalTool {
  override getSpanAttributes(): SpanAttributes {
    return { ...super.getSpanAttributes(), 'billing.plan': 'pro', 'billing.units': 3 };
  }
}

/** A resource whose span attributes replace the default ones. */
class VersionedResource extends LocalResource {
  override getSpanAttributes(): SpanAttributes {
    return { 'doc.version': 2, 'doc.draft': false };
  }
}

/**
 * The component spans: without a context manager (none is registered here) a component's span
 * cannot join its request's span, so it stands alone beside it.
 */
function componentSpans() {
  return exporter
    .getFinishedSpans()
    .filter((span) => span.attributes['mcp.method.name'] === undefined);
}

function summary() {
  return componentSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    status: span.status.code,
  }));
}

describe('telemetry spans', () => {
  it('records one span per call, read and render, with the component’s attributes', async () => {
    await using c = await connectInMemory(tracedServer());
    await c.client.callTool({ name: 'add', arguments: {} });
    await c.client.readResource({ uri: 'data://static' });
    await c.client.readResource({ uri: 'data://items/7' });
    await c.client.getPrompt({ name: 'greet' });
    await c.client.callTool({ name: 'ns_far', arguments: {} });
    expect(summary()).toEqual([
      {
        name: 'tools/call add',
        kind: SpanKind.SERVER,
        attributes: { 'mcp.component.kind': 'tool', 'mcp.component.key': 'add' },
        status: SpanStatusCode.UNSET,
      },
      {
        name: 'resources/read',
        kind: SpanKind.SERVER,
        attributes: { 'mcp.component.kind': 'resource', 'mcp.component.key': 'data://static' },
        status: SpanStatusCode.UNSET,
      },
      {
        name: 'resources/read',
        kind: SpanKind.SERVER,
        attributes: { 'mcp.component.kind': 'template', 'mcp.component.key': 'data://items/{id}' },
        status: SpanStatusCode.UNSET,
      },
      {
        name: 'prompts/get greet',
        kind: SpanKind.SERVER,
        attributes: { 'mcp.component.kind': 'prompt', 'mcp.component.key': 'greet' },
        status: SpanStatusCode.UNSET,
      },
      {
        name: 'tools/call ns_far',
        kind: SpanKind.SERVER,
        attributes: { 'mcp.component.kind': 'tool', 'mcp.component.key': 'ns_far' },
        status: SpanStatusCode.UNSET,
      },
    ]);
  });

  it('puts the attributes of a subclass’s getSpanAttributes() on its span, renamed or not', async () => {
    const server = new ProviderServer({ name: 'custom' });
    server.add(new VersionedResource({ uri: 'doc://spec', read: () => 'spec' }));
    server.addProvider(
      new LocalProvider('billing').add(new BilledTool({ name: 'charge', handler: () => 'ok' })),
      { namespace: 'pay' },
    );
    await using c = await connectInMemory(server);
    await c.client.callTool({ name: 'pay_charge', arguments: {} });
    await c.client.readResource({ uri: 'doc://spec' });
    expect(summary().map(({ name, attributes }) => ({ name, attributes }))).toEqual([
      {
        name: 'tools/call pay_charge',
        attributes: {
          'mcp.component.kind': 'tool',
          'mcp.component.key': 'pay_charge',
          'billing.plan': 'pro',
          'billing.units': 3,
        },
      },
      { name: 'resources/read', attributes: { 'doc.version': 2, 'doc.draft': false } },
    ]);
  });

  it('marks a failed call as an error and records the exception', async () => {
    await using c = await connectInMemory(tracedServer());
    const result = await c.client.callTool({ name: 'fails', arguments: {} });
    expect(result.isError).toBe(true);
    const [span] = componentSpans();
    expect(span?.name).toBe('tools/call fails');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'No luck' });
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
    expect(span?.events[0]?.attributes?.['exception.message']).toBe('No luck');
  });

  it('records nothing once the tracer provider is gone', async () => {
    trace.disable();
    await using c = await connectInMemory(tracedServer());
    await c.client.callTool({ name: 'add', arguments: {} });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
