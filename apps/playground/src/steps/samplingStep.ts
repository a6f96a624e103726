import { SCRIPTED_MODEL } from '../client/scriptedAnswers';
import { note, ok } from '../ui/print';
import { callTool, textOf } from './calls';
import { check, type Step } from './step';

/** A backend asks the client's model through the proxy; the client answers. */
export const samplingStep: Step = {
  title: "Sampling: the backend asks the client's model",
  async run(tour) {
    note('weather_summarize calls context.sample(); the proxy forwards it to this client');
    const before = tour.answered.sampling;
    const result = await callTool(tour, 'weather_summarize', { city: 'Lisbon' });
    check(tour.answered.sampling === before + 1, 'The client was not asked to sample');
    const text = textOf(result);
    check(
      text.startsWith(`${SCRIPTED_MODEL} says: Lisbon looks sunny`),
      `Unexpected summary: ${text}`,
    );
    ok("the backend got the client's model name and text back");
  },
};
