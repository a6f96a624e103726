import type { mcp, RequestOptions } from '@org/proxy';
import { brief, received, sent } from '../ui/print';
import type { Tour } from './step';

/** How long the tour waits for one request. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** One content block in a line: `text "..."`, `image image/png, 123 bytes`. */
export function describeContent(block: mcp.ContentBlock): string {
  switch (block.type) {
    case 'text':
      return `text "${brief(block.text, 90)}"`;
    case 'image':
    case 'audio':
      return `${block.type} ${block.mimeType}, ${Buffer.from(block.data, 'base64').length} bytes`;
    case 'resource':
      return `embedded resource ${block.resource.uri}`;
    case 'resource_link':
      return `resource link ${block.uri}`;
    default:
      return (block as { type: string }).type;
  }
}

/** The text blocks of a result, joined. */
export function textOf(result: mcp.CallToolResult): string {
  return result.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
}

/** Calls a tool through the proxy, printing the call and each content block of the result. */
export async function callTool(
  tour: Tour,
  name: string,
  args: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<mcp.CallToolResult> {
  sent(`tools/call ${name} ${JSON.stringify(args)}`);
  const result = (await tour.client.callTool({ name, arguments: args }, undefined, {
    timeout: REQUEST_TIMEOUT_MS,
    ...options,
  })) as mcp.CallToolResult;
  showResult(result);
  return result;
}

/** Prints each content block of a tool result. */
export function showResult(result: mcp.CallToolResult): void {
  const flag = result.isError ? ' (isError: true)' : '';
  for (const block of result.content) received(`${describeContent(block)}${flag}`);
}
