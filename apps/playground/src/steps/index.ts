import { backendErrorStep } from './backendErrorStep';
import { binaryResultStep } from './binaryResultStep';
import { cancellationStep } from './cancellationStep';
import { connectStep } from './connectStep';
import { elicitationStep } from './elicitationStep';
import { listChangedStep } from './listChangedStep';
import { listingStep } from './listingStep';
import { loggingStep } from './loggingStep';
import { progressStep } from './progressStep';
import { promptsStep } from './promptsStep';
import { resourcesStep } from './resourcesStep';
import { rootsStep } from './rootsStep';
import { samplingStep } from './samplingStep';
import { stdioBackendStep } from './stdioBackendStep';
import { structuredResultStep } from './structuredResultStep';
import { templatesStep } from './templatesStep';

export type { Step, Tour } from './step';

/** The steps of the tour, in order. */
export const TOUR_STEPS = [
  connectStep,
  listingStep,
  structuredResultStep,
  binaryResultStep,
  stdioBackendStep,
  resourcesStep,
  templatesStep,
  promptsStep,
  samplingStep,
  elicitationStep,
  rootsStep,
  loggingStep,
  progressStep,
  cancellationStep,
  backendErrorStep,
  listChangedStep,
] as const;
