import type { mcp } from '@org/proxy';
import { brief, ok, received, sent } from '../ui/print';
import { REQUEST_TIMEOUT_MS } from './calls';
import { check, type Step, type Tour } from './step';

/** Reads a resource through the proxy, printing the request and each content item. */
export async function readResource(tour: Tour, uri: string): Promise<mcp.ReadResourceResult> {
  sent(`resources/read ${uri}`);
  const result = await tour.client.readResource({ uri }, { timeout: REQUEST_TIMEOUT_MS });
  for (const item of result.contents) {
    const body = 'text' in item ? `"${brief(item.text, 80)}"` : `${item.blob.length} base64 chars`;
    received(`${item.uri} (${item.mimeType ?? 'no type'}): ${body}`);
  }
  return result;
}

/** The text of the first content item of a read, or `''`. */
export function resourceText(result: mcp.ReadResourceResult): string {
  const item = result.contents[0];
  return item && 'text' in item ? item.text : '';
}

/** Reads a static resource of each backend under its namespaced URI. */
export const resourcesStep: Step = {
  title: 'Resources: reading by namespaced URI',
  async run(tour) {
    const stations = await readResource(tour, 'data://weather/stations');
    check(resourceText(stations).includes('Lisbon'), 'data://weather/stations lists no Lisbon');
    check(
      stations.contents[0]?.uri === 'data://weather/stations',
      `The contents do not carry the URI the client asked for: ${stations.contents[0]?.uri}`,
    );
    const welcome = await readResource(tour, 'docs://files/welcome.md');
    check(
      resourceText(welcome).startsWith('# Welcome'),
      'docs://files/welcome.md has unexpected text',
    );
    ok("each backend's resource was read under its namespaced URI");
  },
};
