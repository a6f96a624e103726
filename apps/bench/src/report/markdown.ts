import type { ScenarioResult, Table } from '../scenario';
import type { BenchResults } from './results';

function escapeCell(cell: string): string {
  return cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** Renders a Markdown table. */
export function renderTable(table: Table): string {
  const lines: string[] = [];
  if (table.caption) lines.push(table.caption, '');
  lines.push(`| ${table.headers.map(escapeCell).join(' | ')} |`);
  lines.push(`|${table.headers.map(() => '---').join('|')}|`);
  for (const row of table.rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
  return lines.join('\n');
}

function targetsTable(scenarios: readonly ScenarioResult[]): string {
  const rows = scenarios.flatMap((scenario) =>
    scenario.targets.map((target) => [
      String(scenario.number),
      target.name,
      target.target,
      target.actual,
      target.met ? 'met' : `**missed**: ${target.miss ?? ''}`,
    ]),
  );
  return renderTable({ headers: ['#', 'check', 'target', 'measured', 'result'], rows });
}

function section(scenario: ScenarioResult): string {
  const parts = [`### ${scenario.number}. ${scenario.title}`];
  if (scenario.error) parts.push(`**The scenario failed**: ${scenario.error}`);
  for (const table of scenario.tables) parts.push(renderTable(table));
  parts.push(...scenario.notes);
  if (scenario.leftovers.length > 0) {
    parts.push(`Processes left behind and killed: ${scenario.leftovers.join(', ')}.`);
  }
  return parts.join('\n\n');
}

/** Renders the generated part of `docs/performance.md`: machine, targets, one section per scenario. */
export function renderMarkdown(results: BenchResults): string {
  const { machine, summary } = results;
  const versions = Object.entries(results.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const header = [
    `Measured on ${results.date.slice(0, 10)} (${results.date}) by \`pnpm bench\`${results.mode === 'quick' ? ' **in quick mode (tiny counts: do not quote these numbers)**' : ''}.`,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}; load average ${machine.loadAverage} at the start`,
    `- Node.js ${machine.node}; ${versions}`,
    `- Run time: ${(results.durationMs / 1000).toFixed(0)} s. Targets met: ${summary.met} of ${summary.targets}.`,
  ].join('\n');
  return [
    header,
    '### Targets',
    targetsTable(results.scenarios),
    ...results.scenarios.map(section),
  ].join('\n\n');
}
