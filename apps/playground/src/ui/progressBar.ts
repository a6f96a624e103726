import { isTerminal } from './print';

/** The text of a progress bar: `[██████░░░░] 6/10 message`. */
export function renderBar(progress: number, total: number | undefined, width = 20): string {
  if (total === undefined || total <= 0) return `[${'?'.repeat(width)}] ${progress}`;
  const ratio = Math.min(Math.max(progress / total, 0), 1);
  const filled = Math.round(ratio * width);
  const percent = String(Math.round(ratio * 100)).padStart(3);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${percent}% ${progress}/${total}`;
}

/**
 * Shows progress notifications as a text bar. On a terminal the bar redraws in place; when
 * stdout is a pipe or a file, each update is a line of its own.
 */
export class ProgressBar {
  #drawn = false;
  readonly #terminal: boolean;

  /** @param terminal - redraw in place @default whether stdout is a terminal */
  constructor(terminal = isTerminal) {
    this.#terminal = terminal;
  }

  /** Draws one update. */
  update(progress: number, total?: number, message?: string): void {
    const text = `  ${renderBar(progress, total)}${message ? ` ${message}` : ''}`;
    if (this.#terminal) {
      process.stdout.write(`\r\u001b[2K${text}`);
      this.#drawn = true;
    } else {
      process.stdout.write(`${text}\n`);
    }
  }

  /** Ends the bar (moves to a new line on a terminal). */
  done(): void {
    if (this.#terminal && this.#drawn) process.stdout.write('\n');
    this.#drawn = false;
  }
}
