import { PNG_SIGNATURE } from '../backends/png';
import { ok } from '../ui/print';
import { callTool } from './calls';
import { check, type Step } from './step';

/** Calls a tool returning an image: the bytes cross unchanged. */
export const binaryResultStep: Step = {
  title: 'Tool call with a binary result (a PNG image)',
  async run(tour) {
    const result = await callTool(tour, 'weather_radar', { city: 'Oslo' });
    const image = result.content.find((block) => block.type === 'image');
    check(image?.type === 'image', 'weather_radar returned no image');
    check(image.mimeType === 'image/png', `Unexpected image type: ${image.mimeType}`);
    const bytes = Buffer.from(image.data, 'base64');
    check(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'The image is not a PNG');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    ok(
      `a ${width}×${height} PNG of ${bytes.length} bytes arrived intact (signature and header checked)`,
    );
  },
};
