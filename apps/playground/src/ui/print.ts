/** Console output of the tour: step headings, what crossed the proxy, checks. */

const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;

function paint(code: string, text: string): string {
  return useColor ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Whether stdout is a terminal (progress then redraws one line). */
export const isTerminal = process.stdout.isTTY === true;

/** Dims text (when colours are on). */
export const dim = (text: string): string => paint('2', text);
/** Bolds text (when colours are on). */
export const bold = (text: string): string => paint('1', text);

/** Prints a raw line. */
export function line(text = ''): void {
  console.log(text);
}

/** Prints the heading of a step. */
export function heading(index: number, total: number, title: string): void {
  console.log(`\n${bold(paint('36', `[${index}/${total}] ${title}`))}`);
}

/** Prints a message the client sent through the proxy. */
export function sent(text: string): void {
  console.log(`  ${paint('34', '→')} ${text}`);
}

/** Prints a message that came back through the proxy to the client. */
export function received(text: string): void {
  console.log(`  ${paint('35', '←')} ${text}`);
}

/** Prints a check that passed. */
export function ok(text: string): void {
  console.log(`  ${paint('32', '✔')} ${text}`);
}

/** Prints an explanatory note. */
export function note(text: string): void {
  console.log(`  ${dim(text)}`);
}

/** Prints a failure, on standard error. */
export function failure(text: string): void {
  console.error(`\n${paint('31', '✘')} ${text}`);
}

/** Puts a value on one line for display (newlines shown as `\\n`), shortened to `max` characters. */
export function brief(value: unknown, max = 100): string {
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\r?\n/g, '\\n');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Prints items as indented, comma-separated lines of at most `width` characters. */
export function items(values: readonly string[], width = 96): void {
  let current = '';
  for (const value of values) {
    const next = current ? `${current}, ${value}` : value;
    if (next.length > width - 4 && current) {
      note(`${current},`);
      current = value;
    } else {
      current = next;
    }
  }
  if (current) note(current);
}
