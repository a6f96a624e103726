import { SCRIPTED_TRIP } from '../client/scriptedAnswers';
import { note, ok } from '../ui/print';
import { callTool, textOf } from './calls';
import { check, type Step } from './step';

/** A backend asks the user for input (form mode); the client answers. */
export const elicitationStep: Step = {
  title: 'Elicitation: the backend asks the user (form mode)',
  async run(tour) {
    note('weather_plan_trip calls context.elicit() with a small form schema');
    const before = tour.answered.elicitation;
    const result = await callTool(tour, 'weather_plan_trip');
    check(tour.answered.elicitation === before + 1, 'The client was not asked to elicit');
    const text = textOf(result);
    const expected = `${SCRIPTED_TRIP.days} days in ${SCRIPTED_TRIP.city}`;
    check(text.startsWith(expected), `Unexpected trip: ${text}`);
    ok("the user's answer reached the backend");
  },
};
