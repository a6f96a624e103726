import { ok, received, sent } from '../ui/print';
import { readResource, resourceText } from './resourcesStep';
import { check, type Step } from './step';

/** Reads through a resource template and asks for completions of its variable. */
export const templatesStep: Step = {
  title: 'Resource templates: data://weather/city/{name}',
  async run(tour) {
    const result = await readResource(tour, 'data://weather/city/Tokyo');
    const forecast = JSON.parse(resourceText(result)) as { city?: string };
    check(forecast.city === 'Tokyo', `The template read the wrong city: ${forecast.city}`);
    sent('completion/complete name="O" for data://weather/city/{name}');
    const { completion } = await tour.client.complete({
      ref: { type: 'ref/resource', uri: 'data://weather/city/{name}' },
      argument: { name: 'name', value: 'O' },
    });
    received(`completion: ${completion.values.join(', ')}`);
    check(
      completion.values.includes('Oslo'),
      `Completion did not suggest Oslo: ${completion.values}`,
    );
    ok('the template matched, its parameter was parsed, and completion crossed the proxy');
  },
};
