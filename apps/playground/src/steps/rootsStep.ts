import { SCRIPTED_ROOTS } from '../client/scriptedAnswers';
import { note, ok } from '../ui/print';
import { callTool, textOf } from './calls';
import { check, type Step } from './step';

/** A backend asks which roots the client shares. */
export const rootsStep: Step = {
  title: 'Roots: the backend asks which directories the client shares',
  async run(tour) {
    note('weather_list_roots calls context.listRoots()');
    const before = tour.answered.roots;
    const result = await callTool(tour, 'weather_list_roots');
    check(tour.answered.roots > before, 'The client was not asked for its roots');
    const text = textOf(result);
    for (const root of SCRIPTED_ROOTS) {
      check(text.includes(root.uri), `The backend did not get the root: ${root.uri}`);
    }
    ok(`the backend saw all ${SCRIPTED_ROOTS.length} roots`);
  },
};
