import { parseArgs } from 'node:util';
import { errorMessage, loadMcpConfig } from '@org/transports';
import { definitionDiff } from '../policy/definitionDiff';
import { defaultPinFile, readPinFile, writePinFile } from '../policy/pinFile';
import { parsePolicy } from '../policy/policySchema';
import { usageError } from './cliValues';

/** The usage of `org-mcp-proxy pins`. */
export const PINS_USAGE = `Usage:
  org-mcp-proxy pins [list] [--config <mcp.json> | --file <pins.json>]
  org-mcp-proxy pins approve <server>/<tool>... | --all [--config <mcp.json> | --file <pins.json>]

Lists the pinned tool definitions and the tools whose definition changed since (with what
changed), or approves changed definitions: the running proxy serves them within a second.
The pin file is --file, else the config's policy.pinning.file, else the default one.
`;

/** Where the pins of this command are, and the pins the config itself holds. */
async function locate(values: { config?: string; file?: string }): Promise<{
  file: string;
  configPins: Record<string, string>;
}> {
  if (values.file !== undefined && values.config !== undefined) {
    throw usageError('Options --file and --config are mutually exclusive');
  }
  if (values.file !== undefined) return { file: values.file, configPins: {} };
  if (values.config === undefined) return { file: defaultPinFile(), configPins: {} };
  const policy = parsePolicy(await loadMcpConfig(values.config));
  return {
    file: policy?.pinning?.file ?? defaultPinFile(),
    configPins: policy?.pinning?.pins ?? {},
  };
}

function short(digest: string): string {
  return `${digest.slice(0, 'sha256:'.length + 16)}…`;
}

/** The text of `pins list`. */
function listing(file: string, configPins: Record<string, string>): string {
  const content = readPinFile(file);
  const lines = [`Pin file: ${file}`];
  const keys = [...new Set([...Object.keys(content.tools), ...Object.keys(configPins)])].sort();
  if (keys.length === 0) lines.push('No tools pinned yet.');
  for (const key of keys) {
    const inConfig = configPins[key];
    const record = content.tools[key];
    const digest = inConfig ?? record?.digest ?? '';
    lines.push(
      `  ${key}  ${short(digest)}  ${inConfig ? 'pinned in the config' : `pinned ${record?.pinnedAt}`}`,
    );
  }
  const changed = Object.entries(content.changed).sort(([a], [b]) => a.localeCompare(b));
  if (changed.length > 0)
    lines.push('', 'Changed since pinned (withheld, or served with a warning):');
  for (const [key, change] of changed) {
    lines.push(`  ${key}  ${short(change.digest)}  seen ${change.seenAt}`);
    const before = content.tools[key]?.definition;
    const diff = before ? definitionDiff(before, change.definition) : ['(pinned in the config)'];
    for (const line of diff) lines.push(`      ${line}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Approves the changes of `keys` (every change with `all`): they become the pins. */
function approve(
  file: string,
  configPins: Record<string, string>,
  keys: readonly string[],
  all: boolean,
): string {
  const content = readPinFile(file);
  const chosen = all ? Object.keys(content.changed) : keys;
  if (chosen.length === 0) {
    if (all) return 'Nothing to approve: no tool changed.\n';
    throw usageError('Missing tools to approve: give <server>/<tool>... or --all');
  }
  const lines: string[] = [];
  for (const key of chosen) {
    if (configPins[key] !== undefined) {
      throw usageError(
        `${key} is pinned in the config (policy.pinning.pins): change its digest there to approve it`,
      );
    }
    const change = content.changed[key];
    if (!change) {
      throw usageError(
        `No change recorded for ${key} ("org-mcp-proxy pins list" shows the changes)`,
      );
    }
    content.tools[key] = {
      digest: change.digest,
      definition: change.definition,
      pinnedAt: new Date().toISOString(),
    };
    delete content.changed[key];
    lines.push(`Approved ${key} (${short(change.digest)})`);
  }
  writePinFile(file, content);
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `org-mcp-proxy pins …`, returning what to print on stdout.
 * @throws ProxyError `INVALID_ARGUMENTS` for a bad command line or an unknown tool
 */
export async function runPinsCommand(argv: readonly string[]): Promise<string> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usageError(errorMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return PINS_USAGE;
  const [verb = 'list', ...rest] = positionals;
  const { file, configPins } = await locate(values);
  if (verb === 'list') {
    if (rest.length > 0) throw usageError(`Unexpected argument for pins list: ${rest[0]}`);
    return listing(file, configPins);
  }
  if (verb === 'approve') return approve(file, configPins, rest, values.all === true);
  throw usageError(`Unknown pins command: ${verb} (list or approve)`);
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      file: { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
