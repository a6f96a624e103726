import path from 'node:path';
import * as api from '@org/proxy-client';
import { declaredExports } from '@org/test-utils';
import { describe, expect, it } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');

// A change to these lists is a change to the public API of @org/proxy-client: make it on purpose,
// with a changeset.
describe('@org/proxy-client public surface', () => {
  it('exports exactly these runtime values', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "BackendOperations",
        "MAX_LIST_PAGES",
        "ProxyClient",
        "StatefulProxyClient",
        "cachePartitionKey",
        "defaultForwardingHandlers",
        "defaultProxyElicitationHandler",
        "defaultProxyLogHandler",
        "defaultProxyProgressHandler",
        "defaultProxyRootsHandler",
        "defaultProxySamplingHandler",
        "forwardableMeta",
        "mirrorCapabilities",
        "routableCapabilities",
        "toBackendError",
      ]
    `);
  });

  it('declares exactly these names, types included', () => {
    expect(declaredExports(packageDir)).toMatchInlineSnapshot(`
      [
        "type BackendEvent",
        "type BackendEventListener",
        "type BackendFailure",
        "BackendOperations",
        "BackendSessionState",
        "cachePartitionKey",
        "defaultForwardingHandlers",
        "defaultProxyElicitationHandler",
        "defaultProxyLogHandler",
        "defaultProxyProgressHandler",
        "defaultProxyRootsHandler",
        "defaultProxySamplingHandler",
        "type ElicitationHandler",
        "forwardableMeta",
        "type ForwardingHandlers",
        "type ForwardingTarget",
        "type LogHandler",
        "MAX_LIST_PAGES",
        "mirrorCapabilities",
        "type ProgressHandler",
        "ProxyClient",
        "type ProxyClientOptions",
        "type ReconnectOptions",
        "type RootsHandler",
        "routableCapabilities",
        "type SamplingHandler",
        "StatefulProxyClient",
        "toBackendError",
      ]
    `);
  });
});
