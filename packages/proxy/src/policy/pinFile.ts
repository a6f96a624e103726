import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The part of a tool a pin covers (what a client's model reads, and what it may send). */
export interface PinnedDefinition {
  /** The tool's name on its server. */
  name: string;
  /** Its title, if any. */
  title?: string;
  /** Its description, if any. */
  description?: string;
  /** Its input schema. */
  inputSchema: unknown;
  /** Its output schema, if any. */
  outputSchema?: unknown;
  /** Its annotations (hints such as `destructiveHint`), if any. */
  annotations?: unknown;
}

/** One pinned tool. */
export interface PinRecord {
  /** `sha256:<hex>` of the definition's canonical JSON. */
  digest: string;
  /** The definition pinned (to show what changed). */
  definition: PinnedDefinition;
  /** When it was pinned (ISO 8601). */
  pinnedAt: string;
}

/** A tool seen with a definition other than its pin's. */
export interface ChangeRecord {
  /** The new definition's digest. */
  digest: string;
  /** The new definition. */
  definition: PinnedDefinition;
  /** When it was first seen (ISO 8601). */
  seenAt: string;
}

/** The pin file's content. */
export interface PinFileContent {
  /** The format's version. */
  version: 1;
  /** The pins, by `<server>/<tool>`. */
  tools: Record<string, PinRecord>;
  /** Tools whose definition changed, by `<server>/<tool>`, until approved. */
  changed: Record<string, ChangeRecord>;
}

/** Where pins are kept by default: `$XDG_CONFIG_HOME/org-mcp-proxy/pins.json`, else `~/.config/…`. */
export function defaultPinFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'org-mcp-proxy', 'pins.json');
}

/** An empty pin file's content. */
export function emptyPins(): PinFileContent {
  return { version: 1, tools: {}, changed: {} };
}

/**
 * Reads a pin file; an absent file is empty.
 * @throws when the file exists but is not a pin file (naming the file)
 */
export function readPinFile(file: string): PinFileContent {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyPins();
    throw error;
  }
  let parsed: Partial<PinFileContent>;
  try {
    parsed = JSON.parse(text) as Partial<PinFileContent>;
  } catch {
    throw new Error(`${file}: not a pin file (invalid JSON)`);
  }
  if (parsed?.version !== 1 || typeof parsed.tools !== 'object' || parsed.tools === null) {
    throw new Error(`${file}: not a pin file (expected version 1 with "tools")`);
  }
  return { version: 1, tools: parsed.tools, changed: parsed.changed ?? {} };
}

/** Writes a pin file atomically (a temporary file renamed over it), mode 0600, its directory 0700. */
export function writePinFile(file: string, content: PinFileContent): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** The file's modification time in milliseconds, or 0 when it does not exist. */
export function pinFileTime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
