import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { defineResource, defineResourceTemplate, ProviderServer, ResourceError } from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectInMemory, mcpError } from './helpers';

const RESOURCE_NOT_FOUND = -32002;
const ICON = {
  src: 'data:image/svg+xml;base64,PHN2Zy8+',
  mimeType: 'image/svg+xml',
  theme: 'dark' as const,
};

function resourceServer(options: ConstructorParameters<typeof ProviderServer>[0] = {}) {
  return new ProviderServer({ name: 'docs', ...options }).add(
    defineResource({
      uri: 'docs://readme',
      name: 'readme',
      title: 'Read me',
      description: 'The front page',
      mimeType: 'text/markdown',
      size: 7,
      annotations: { audience: ['user'], priority: 0.5 },
      tags: ['public'],
      icons: [ICON],
      read: () => '# Hello',
    }),
    defineResource({
      uri: 'docs://logo',
      mimeType: 'image/png',
      read: () => new Uint8Array([137, 80, 78, 71]),
    }),
    defineResource({
      uri: 'docs://multi',
      read: (uri) => [
        { uri, text: 'one' },
        { uri: `${uri}/2`, text: 'two', mimeType: 'text/plain' },
      ],
    }),
    defineResource({
      uri: 'docs://broken',
      read: () => {
        throw new ResourceError('The disk is on fire');
      },
    }),
    defineResource({
      uri: 'docs://crash',
      read: () => {
        throw new Error('secret path /srv/x');
      },
    }),
  );
}

describe('resources through a ProviderServer', () => {
  it('lists resources with every wire field', async () => {
    await using c = await connectInMemory(resourceServer());
    const { resources } = await c.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([
      'docs://readme',
      'docs://logo',
      'docs://multi',
      'docs://broken',
      'docs://crash',
    ]);
    expect(resources[0]).toEqual({
      uri: 'docs://readme',
      name: 'readme',
      title: 'Read me',
      description: 'The front page',
      mimeType: 'text/markdown',
      size: 7,
      annotations: { audience: ['user'], priority: 0.5 },
      icons: [ICON],
      _meta: { fastmcp: { tags: ['public'] } },
    });
    expect(resources[1]!.name).toBe('docs://logo');
  });

  it('reads text, binary and multi-part contents', async () => {
    await using c = await connectInMemory(resourceServer());
    expect(await c.client.readResource({ uri: 'docs://readme' })).toEqual({
      contents: [{ uri: 'docs://readme', mimeType: 'text/markdown', text: '# Hello' }],
    });
    expect(await c.client.readResource({ uri: 'docs://logo' })).toEqual({
      contents: [
        {
          uri: 'docs://logo',
          mimeType: 'image/png',
          blob: Buffer.from([137, 80, 78, 71]).toString('base64'),
        },
      ],
    });
    const multi = await c.client.readResource({ uri: 'docs://multi' });
    expect(multi.contents).toEqual([
      { uri: 'docs://multi', text: 'one' },
      { uri: 'docs://multi/2', text: 'two', mimeType: 'text/plain' },
    ]);
  });

  it('answers an unknown URI with error -32002 naming it', async () => {
    await using c = await connectInMemory(resourceServer());
    const error = await mcpError(c.client.readResource({ uri: 'docs://nothing-here' }));
    expect(error.code).toBe(RESOURCE_NOT_FOUND);
    // One SDK prefix (added by the client), not two: the wire message is the server's own.
    expect(error.message).toBe('MCP error -32002: Resource not found: docs://nothing-here');
  });

  it('passes a ResourceError message to the client and masks other failures when asked', async () => {
    await using open = await connectInMemory(resourceServer());
    const told = await mcpError(open.client.readResource({ uri: 'docs://broken' }));
    expect(told.code).toBe(ErrorCode.InternalError);
    expect(told.message).toContain('The disk is on fire');
    const shown = await mcpError(open.client.readResource({ uri: 'docs://crash' }));
    expect(shown.message).toContain('Error reading resource docs://crash: secret path /srv/x');

    await using masked = await connectInMemory(resourceServer({ maskErrorDetails: true }));
    const still = await mcpError(masked.client.readResource({ uri: 'docs://broken' }));
    expect(still.message).toContain('The disk is on fire');
    const hidden = await mcpError(masked.client.readResource({ uri: 'docs://crash' }));
    expect(hidden.message).toContain('Error reading resource docs://crash');
    expect(hidden.message).not.toContain('secret');
  });

  it('reads a static resource before a template that also matches its URI', async () => {
    const server = new ProviderServer().add(
      defineResourceTemplate({
        uriTemplate: 'docs://{page}',
        name: 'page',
        read: ({ page }) => `template ${page}`,
      }),
      defineResource({ uri: 'docs://index', read: () => 'static index' }),
    );
    await using c = await connectInMemory(server);
    expect((await c.client.readResource({ uri: 'docs://index' })).contents).toEqual([
      { uri: 'docs://index', text: 'static index' },
    ]);
    expect((await c.client.readResource({ uri: 'docs://other' })).contents).toEqual([
      { uri: 'docs://other', text: 'template other' },
    ]);
  });

  it('announces resources with subscribe and listChanged when it serves some', async () => {
    await using c = await connectInMemory(resourceServer({ declare: {} }));
    expect(c.client.getServerCapabilities()).toEqual({
      resources: { listChanged: true, subscribe: true },
      logging: {},
    });
  });
});
