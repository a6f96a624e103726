import {
  namespace,
  ProxyClient,
  ProxyPrompt,
  ProxyProvider,
  ProxyResource,
  ProxyTemplate,
  ProxyTool,
  SPAN_PROVIDER_TYPE,
  transformProvider,
} from '@org/proxy';
import { describe, expect, it } from 'vitest';
import { demoBackend } from './fixtures/demoBackend';

const factory = () => {
  throw new Error('not used');
};

function expectDefinedValues(attributes: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(attributes)) {
    expect({ key, defined: value !== undefined && value !== null }).toEqual({ key, defined: true });
  }
}

describe('span attributes of proxy components', () => {
  it('names the provider type and falls back to the current name or URI', () => {
    const tool = ProxyTool.fromMcpTool(factory, { name: 'greet', inputSchema: { type: 'object' } });
    const resource = ProxyResource.fromMcpResource(factory, { uri: 'data://a', name: 'a' });
    const template = ProxyTemplate.fromMcpTemplate(factory, {
      uriTemplate: 'data://{id}',
      name: 't',
    });
    const prompt = ProxyPrompt.fromMcpPrompt(factory, { name: 'welcome' });
    expect(SPAN_PROVIDER_TYPE).toBe('fastmcp.provider.type');
    expect(tool.getSpanAttributes()).toMatchObject({
      'fastmcp.provider.type': 'ProxyProvider',
      'fastmcp.proxy.backend_name': 'greet',
    });
    expect(resource.getSpanAttributes()).toMatchObject({
      'fastmcp.provider.type': 'ProxyProvider',
      'fastmcp.proxy.backend_uri': 'data://a',
    });
    expect(template.getSpanAttributes()).toMatchObject({
      'fastmcp.provider.type': 'ProxyProvider',
      'fastmcp.proxy.backend_uri_template': 'data://{id}',
    });
    expect(prompt.getSpanAttributes()).toMatchObject({
      'fastmcp.provider.type': 'ProxyProvider',
      'fastmcp.proxy.backend_name': 'welcome',
    });
    for (const component of [tool, resource, template, prompt]) {
      expectDefinedValues(component.getSpanAttributes());
    }
  });

  it('keeps the component attributes and reports the backend identity after renames', async () => {
    const client = new ProxyClient(demoBackend());
    try {
      const provider = transformProvider(new ProxyProvider(() => client), namespace('ns'));
      const tool = await provider.getTool('ns_greet');
      expect(tool?.getSpanAttributes()).toEqual({
        'mcp.component.kind': 'tool',
        'mcp.component.key': 'ns_greet',
        'fastmcp.provider.type': 'ProxyProvider',
        'fastmcp.proxy.backend_name': 'greet',
      });
      const resource = await provider.getResource('resource://ns/wave');
      expect(resource?.getSpanAttributes()).toMatchObject({
        'mcp.component.key': 'resource://ns/wave',
        'fastmcp.proxy.backend_uri': 'resource://wave',
      });
      const template = await provider.getResourceTemplate('data://ns/user/1');
      expect(template?.getSpanAttributes()).toMatchObject({
        'mcp.component.key': 'data://ns/user/{user_id}',
        'fastmcp.proxy.backend_uri_template': 'data://user/{user_id}',
      });
      const prompt = await provider.getPrompt('ns_welcome');
      expect(prompt?.getSpanAttributes()).toMatchObject({
        'fastmcp.proxy.backend_name': 'welcome',
      });
      for (const component of [tool, resource, template, prompt]) {
        expectDefinedValues(component!.getSpanAttributes());
      }
    } finally {
      await client.dispose();
    }
  });

  it('a resource made by a renamed template reports the backend URI it reads', async () => {
    const client = new ProxyClient(demoBackend());
    try {
      const provider = transformProvider(new ProxyProvider(() => client), namespace('ns'));
      const template = await provider.getResourceTemplate('data://ns/user/2');
      const made = await template!.createResource('data://ns/user/2', { user_id: '2' });
      expect(made.getSpanAttributes()).toMatchObject({
        'mcp.component.key': 'data://ns/user/2',
        'fastmcp.proxy.backend_uri': 'data://user/2',
      });
    } finally {
      await client.dispose();
    }
  });
});
