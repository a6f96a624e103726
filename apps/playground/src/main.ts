/**
 * The playground: `node dist/main.js` runs the tour, `--serve` keeps the proxy up.
 * See src/tour.ts for the tour and src/serve.ts for serving.
 */
import { ProxyError } from '@org/proxy';
import { parseCliArgs, USAGE, UsageError } from './cliArgs';
import { runServe } from './serve';
import { TourCheckError } from './steps/step';
import { runTour } from './tour';
import { failure, line } from './ui/print';

/** How long the whole tour may take before it counts as failed. */
const TOUR_TIMEOUT_MS = 30_000;

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The tour did not finish within ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.help) line(USAGE);
  else if (args.serve) await runServe(args.port);
  else await withDeadline(runTour(), TOUR_TIMEOUT_MS);
}

function exit(code: number): void {
  process.exitCode = code;
  // Everything was closed; should a handle still be open, do not hang on it.
  setTimeout(() => process.exit(code), 2000).unref();
}

function report(error: unknown): number {
  failure(error instanceof Error ? error.message : String(error));
  if (error instanceof UsageError) {
    console.error(`\n${USAGE}`);
    return 2;
  }
  // A failed check or a framework error explains itself; anything else gets its stack.
  const cause = error instanceof Error ? (error.cause ?? error) : undefined;
  const explained = [error, cause].some(
    (e) => e instanceof TourCheckError || e instanceof ProxyError,
  );
  if (cause instanceof Error && !explained) console.error(cause.stack);
  return 1;
}

main().then(
  () => exit(0),
  (error: unknown) => exit(report(error)),
);
