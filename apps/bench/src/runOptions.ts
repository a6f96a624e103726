import path from 'node:path';
import { parseArgs } from 'node:util';

/** What the command line asks for. */
export interface RunOptions {
  /** Quick mode: tiny counts, a few seconds. */
  quick: boolean;
  /** Only these scenario ids, when set. */
  only: string[] | undefined;
  /** Where the JSON results go. */
  jsonFile: string;
  /** Where the Markdown table goes. */
  markdownFile: string;
  /** Whether `docs/performance.md` is updated (full mode, unless `--no-docs`). */
  updateDocs: boolean;
}

/**
 * Parses `--quick`, `--only a,b`, `--out file.json` and `--no-docs` (a leading `--`, as
 * `pnpm bench -- --only x` passes it, is skipped). Without `--out`, results go to
 * `results/latest.json` (full run), `results/quick.json` or `results/partial.json` (`--only`).
 */
export function parseRunOptions(argv: readonly string[], appDir: string): RunOptions {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const defaultName = quick ? 'quick.json' : values.only ? 'partial.json' : 'latest.json';
  const jsonFile = path.resolve(values.out ?? path.join(appDir, 'results', defaultName));
  const only = values.only
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  return {
    quick,
    only,
    jsonFile,
    markdownFile: `${jsonFile.replace(/\.json$/, '')}.md`,
    updateDocs: !quick && !values['no-docs'] && only === undefined,
  };
}
