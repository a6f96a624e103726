import fs from 'node:fs';

/** The marker before the generated part of `docs/performance.md`. */
export const START_MARKER = '<!-- bench:start -->';
/** The marker after it. */
export const END_MARKER = '<!-- bench:end -->';

/**
 * Replaces what lies between the markers of `file` with `generated`; appends the markers and
 * the generated part when the file lacks them.
 */
export function writeGeneratedPart(file: string, generated: string): void {
  const block = `${START_MARKER}\n\n${generated}\n\n${END_MARKER}`;
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const start = current.indexOf(START_MARKER);
  const end = current.indexOf(END_MARKER);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + END_MARKER.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, next);
}
