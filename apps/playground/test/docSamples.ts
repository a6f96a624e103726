import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { APP_DIR } from './playgroundProcess';

/** The repository root. */
export const REPO_DIR = path.resolve(APP_DIR, '..', '..');

/** A fenced TypeScript block of a Markdown file. */
export interface DocSample {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** The line of the Markdown file where the code starts (1-based). */
  line: number;
  /** The code. */
  code: string;
}

/**
 * The Markdown files whose samples are checked: the getting-started guide and the READMEs,
 * whose samples are whole programs. (The other guides show fragments.)
 */
export function sampleFiles(): string[] {
  const readmes = readdirSync(path.join(REPO_DIR, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((file) => existsSync(path.join(REPO_DIR, file)));
  return ['README.md', 'docs/getting-started.md', ...readmes];
}

/** The ```ts (or ```typescript) blocks of a Markdown text. */
export function extractSamples(markdown: string, file: string): DocSample[] {
  const samples: DocSample[] = [];
  const lines = markdown.split(/\r?\n/);
  let start = -1;
  for (const [index, text] of lines.entries()) {
    if (start < 0 && /^```(ts|typescript)\s*$/.test(text)) start = index + 1;
    else if (start >= 0 && /^```\s*$/.test(text)) {
      samples.push({ file, line: start + 1, code: lines.slice(start, index).join('\n') });
      start = -1;
    }
  }
  if (start >= 0) throw new Error(`${file}:${start}: a TypeScript block is never closed`);
  return samples;
}

/**
 * Where a sample lives for the compiler: a file that is never written, in the directory whose
 * dependencies its imports resolve against. A package README's sample imports that package (and
 * what it depends on); the other samples import `@org/proxy` alone, as the playground does.
 */
function virtualPath(sample: DocSample): string {
  const name = `${sample.file.replace(/[^A-Za-z0-9]+/g, '_')}_L${sample.line}.ts`;
  const owner = /^packages\/[^/]+\//.test(sample.file)
    ? path.join(REPO_DIR, path.dirname(sample.file))
    : APP_DIR;
  return path.join(owner, 'doc-samples', name);
}

/**
 * Typechecks each sample as a module of its own, with the compiler options of the playground
 * (strict), against the built declarations (`dist/*.d.ts`) of the packages, which is what a
 * user compiles against; the test task runs after the build. Nothing is written to disk: the
 * samples are served to the compiler from memory.
 * Returns the errors of each sample, as `file:line: message` with the Markdown line.
 */
export function typecheckSamples(samples: readonly DocSample[]): Map<DocSample, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(APP_DIR, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!config) throw new Error('Cannot read the playground tsconfig.json');
  // No `@org/source` condition: imports resolve to the published entry points.
  const options = { ...config.options, noEmit: true, customConditions: [] };
  // Each sample is a module, even one without an import.
  const virtual = new Map(samples.map((s) => [virtualPath(s), `${s.code}\nexport {};\n`]));
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = virtual.get(file);
    return text === undefined
      ? getSourceFile.call(host, file, language, onError, create)
      : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  const result = new Map<DocSample, string[]>();
  for (const sample of samples) {
    const source = program.getSourceFile(virtualPath(sample))!;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    result.set(
      sample,
      diagnostics.map((diagnostic) => {
        const at = diagnostic.start ?? 0;
        const { line } = source.getLineAndCharacterOfPosition(at);
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
        return `${sample.file}:${sample.line + line}: ${message}`;
      }),
    );
  }
  return result;
}
