import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createWorkspaceServer } from '@org/test-utils';
import type { ConnectableServer } from '@org/transports';

/** An in-process target whose every backend session is a new stateful workspace server. */
export function workspaceTarget(prefix = 'w'): { server: ConnectableServer; labels: string[] } {
  const labels: string[] = [];
  return {
    labels,
    server: {
      connect: (transport) =>
        createWorkspaceServer({ prefix, onSession: (label) => labels.push(label) }).connect(
          transport,
        ),
    },
  };
}

/** The JSON a workspace tool answered with (its first text content). */
export async function callJson<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  const text = (result.content as Array<{ type: string; text?: string }>)[0]?.text ?? '';
  if (result.isError) throw new Error(`${name} failed: ${text}`);
  return JSON.parse(text) as T;
}

/** The session label of the backend session a front reaches. */
export async function labelOf(client: Client): Promise<string> {
  return (await callJson<{ session: string }>(client, 'whoami')).session;
}

/** The names of the tools a front lists. */
export async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((tool) => tool.name);
}
