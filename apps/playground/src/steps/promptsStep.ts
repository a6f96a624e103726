import { brief, ok, received, sent } from '../ui/print';
import { REQUEST_TIMEOUT_MS } from './calls';
import { check, type Step } from './step';

/** Renders a prompt with arguments. */
export const promptsStep: Step = {
  title: 'Prompts: rendering with arguments',
  async run({ client }) {
    const args = { city: 'Oslo', days: '2' };
    sent(`prompts/get weather_packing_list ${JSON.stringify(args)}`);
    const result = await client.getPrompt(
      { name: 'weather_packing_list', arguments: args },
      { timeout: REQUEST_TIMEOUT_MS },
    );
    const first = result.messages[0];
    const text = first?.content.type === 'text' ? first.content.text : '';
    received(`${result.messages.length} message(s), ${first?.role}: "${brief(text, 90)}"`);
    check(text.includes('warm coat'), `The prompt did not render the Oslo forecast: ${text}`);
    ok("the backend rendered the prompt with the client's arguments");
  },
};
