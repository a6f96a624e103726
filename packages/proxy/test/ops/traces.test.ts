import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { RequestEvent } from '@org/core';
import {
  type CreateProxyOptions,
  createProxy,
  defineTool,
  type HttpServerHandle,
  ProviderServer,
  type ProxyServer,
  serveHttp,
} from '@org/proxy';
import { within } from '@org/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Front, frontHttp, frontInMemory } from '../fixtures/fronts';

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const SPAN_A = 'b7ad6b7169203331';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_B = '00f067aa0ba902b7';
const parentOf = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;

/** What the backend saw of one call: the `traceparent` of its `_meta` and of its HTTP headers. */
interface Seen {
  meta?: string;
  header?: string;
}

let arrivals = 0;
let releaseBoth: () => void = () => {};
let both = Promise.resolve();

/** A backend whose tools tell the trace context they received; `seen_together` waits for two calls. */
function traceBackend(): ProviderServer {
  const seen = (ctx: { meta?: Record<string, unknown>; httpHeaders?: Record<string, unknown> }) => {
    const header = ctx.httpHeaders?.traceparent;
    return {
      ...(typeof ctx.meta?.traceparent === 'string' ? { meta: ctx.meta.traceparent } : {}),
      ...(typeof header === 'string' ? { header } : {}),
    };
  };
  return new ProviderServer({ name: 'traced-backend' }).add(
    defineTool({ name: 'seen', handler: (_args, ctx) => seen(ctx!) }),
    defineTool({
      name: 'seen_together',
      handler: async (_args, ctx) => {
        arrivals += 1;
        if (arrivals >= 2) releaseBoth();
        await within(both, 10_000, 'two calls in flight at once');
        return seen(ctx!);
      },
    }),
  );
}

const handles: HttpServerHandle[] = [];
const fronts: Front[] = [];
let proxy: ProxyServer | undefined;

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  await proxy?.close();
  proxy = undefined;
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
});

async function httpBackendUrl(): Promise<string> {
  const handle = await serveHttp(traceBackend(), { port: 0 });
  handles.push(handle);
  return handle.url;
}

async function callSeen(front: Front, tool: string, meta?: Record<string, unknown>): Promise<Seen> {
  const result = await front.client.callTool({
    name: tool,
    arguments: {},
    ...(meta ? { _meta: meta } : {}),
  });
  return result.structuredContent as Seen;
}

const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];
const parentIdOf = (traceparent: string | undefined) => traceparent?.split('-')[2];

describe('traces with an OpenTelemetry SDK registered', () => {
  let exporter: InMemorySpanExporter;
  let provider: NodeTracerProvider;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register({ propagator: new W3CTraceContextPropagator() });
    arrivals = 0;
    both = new Promise<void>((resolve) => {
      releaseBoth = resolve;
    });
  });

  afterEach(async () => {
    trace.disable();
    propagation.disable();
    context.disable();
    await provider.shutdown();
  });

  const spans = () => exporter.getFinishedSpans();
  const scope = (span: ReadableSpan) => span.instrumentationScope.name;
  /** The proxy's span of the front request: the SERVER span whose parent is the caller's span. */
  const frontSpan = (callerSpanId: string) =>
    spans().find(
      (span) => span.kind === SpanKind.SERVER && span.parentSpanContext?.spanId === callerSpanId,
    );
  /** The backend `tools/call` under a front span (a `tools/list` may come before it). */
  const clientSpanUnder = (parent: ReadableSpan) =>
    spans().find(
      (span) =>
        span.kind === SpanKind.CLIENT &&
        span.name.startsWith('tools/call ') &&
        span.parentSpanContext?.spanId === parent.spanContext().spanId,
    );

  async function proxyOf(target: string | ProviderServer, options: CreateProxyOptions = {}) {
    proxy = createProxy(target, options);
    return proxy;
  }

  for (const kind of ['in-memory', 'HTTP'] as const) {
    it(`continues the caller's trace from _meta through the proxy to an ${kind} backend`, async () => {
      const target = kind === 'HTTP' ? await httpBackendUrl() : traceBackend();
      const server = await proxyOf(target);
      const requests: RequestEvent[] = [];
      server.observer.on('request', (event) => requests.push(event));
      const front = await frontInMemory(server, {}, 'traced-front');
      fronts.push(front);
      const seen = await callSeen(front, 'seen', {
        traceparent: parentOf(TRACE_A, SPAN_A),
        'example.com/keep': 'kept',
      });

      const proxied = frontSpan(SPAN_A);
      expect(proxied).toMatchObject({ name: 'tools/call seen', kind: SpanKind.SERVER });
      expect(scope(proxied!)).toBe('@org/core');
      expect(proxied!.spanContext().traceId).toBe(TRACE_A);
      expect(proxied!.attributes).toMatchObject({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'seen',
        'mcp.component.kind': 'tool',
      });
      const backendRequest = clientSpanUnder(proxied!);
      expect(backendRequest).toMatchObject({ name: 'tools/call seen', kind: SpanKind.CLIENT });
      expect(scope(backendRequest!)).toBe('@org/proxy-client');
      const clientSpanId = backendRequest!.spanContext().spanId;

      expect(traceIdOf(seen.meta)).toBe(TRACE_A);
      expect(parentIdOf(seen.meta)).toBe(clientSpanId);
      if (kind === 'HTTP') expect(seen.header).toBe(seen.meta);
      else expect(seen.header).toBeUndefined();
      // The backend, traced too, continues the trace under the proxy's CLIENT span.
      const backendSide = spans().find(
        (span) => span.kind === SpanKind.SERVER && span.parentSpanContext?.spanId === clientSpanId,
      );
      expect(backendSide?.spanContext().traceId).toBe(TRACE_A);
      const event = requests.find((request) => request.method === 'tools/call');
      expect(event?.traceparent).toBe(parentOf(TRACE_A, proxied!.spanContext().spanId));
    });
  }

  it('keeps the other _meta keys and replaces the caller’s tracestate', async () => {
    const keep = new ProviderServer({ name: 'meta-backend' }).add(
      defineTool({ name: 'meta', handler: (_args, ctx) => ({ meta: { ...ctx!.meta } }) }),
    );
    const server = await proxyOf(keep);
    const front = await frontInMemory(server, {}, 'meta-front');
    fronts.push(front);
    const result = await front.client.callTool({
      name: 'meta',
      arguments: {},
      _meta: { traceparent: parentOf(TRACE_A, SPAN_A), tracestate: 'vendor=1', other: 'x' },
    });
    const meta = (result.structuredContent as { meta: Record<string, unknown> }).meta;
    expect(meta.other).toBe('x');
    expect(traceIdOf(meta.traceparent as string)).toBe(TRACE_A);
    expect(parentIdOf(meta.traceparent as string)).not.toBe(SPAN_A);
    expect(meta.tracestate).toBe('vendor=1');
  });

  it('takes the trace context from the HTTP headers of the front when _meta has none', async () => {
    const server = await proxyOf(traceBackend());
    const http = await serveHttp(server, { port: 0 });
    handles.push(http);
    const front = await frontHttp(http.url, {}, 'header-front', undefined, {
      traceparent: parentOf(TRACE_B, SPAN_B),
    });
    fronts.push(front);
    const seen = await callSeen(front, 'seen');
    const proxied = spans().find(
      (span) => span.name === 'tools/call seen' && span.parentSpanContext?.spanId === SPAN_B,
    );
    expect(proxied?.spanContext().traceId).toBe(TRACE_B);
    const backendRequest = clientSpanUnder(proxied!);
    expect(traceIdOf(seen.meta)).toBe(TRACE_B);
    expect(parentIdOf(seen.meta)).toBe(backendRequest?.spanContext().spanId);
  });

  it('never crosses the traces of two clients calling at once on one shared backend session', async () => {
    const server = await proxyOf(await httpBackendUrl(), { strategy: 'shared' });
    const [a, b] = await Promise.all([
      frontInMemory(server, {}, 'front-a'),
      frontInMemory(server, {}, 'front-b'),
    ]);
    fronts.push(a!, b!);
    const [seenA, seenB] = await Promise.all([
      callSeen(a!, 'seen_together', { traceparent: parentOf(TRACE_A, SPAN_A) }),
      callSeen(b!, 'seen_together', { traceparent: parentOf(TRACE_B, SPAN_B) }),
    ]);
    expect([traceIdOf(seenA.meta), traceIdOf(seenA.header)]).toEqual([TRACE_A, TRACE_A]);
    expect([traceIdOf(seenB.meta), traceIdOf(seenB.header)]).toEqual([TRACE_B, TRACE_B]);
    for (const [seen, caller] of [
      [seenA, SPAN_A],
      [seenB, SPAN_B],
    ] as const) {
      const backendRequest = clientSpanUnder(frontSpan(caller)!);
      expect(parentIdOf(seen.header)).toBe(backendRequest?.spanContext().spanId);
    }
  });
});

describe('traces without an OpenTelemetry SDK', () => {
  it('pass a front’s _meta traceparent through as is, and add none of their own', async () => {
    proxy = createProxy(await httpBackendUrl());
    const front = await frontInMemory(proxy, {}, 'untraced-front');
    fronts.push(front);
    const sent = parentOf(TRACE_A, SPAN_A);
    expect(await callSeen(front, 'seen', { traceparent: sent })).toEqual({ meta: sent });
    expect(await callSeen(front, 'seen')).toEqual({});
  });
});
