import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DocSample,
  extractSamples,
  REPO_DIR,
  sampleFiles,
  typecheckSamples,
} from './docSamples';

const SAMPLES: DocSample[] = sampleFiles().flatMap((file) =>
  extractSamples(readFileSync(path.join(REPO_DIR, file), 'utf8'), file),
);

/** A sample that must not compile: it proves the check can fail. */
const BROKEN: DocSample = {
  file: 'broken.md',
  line: 10,
  code: "import { createProxxy } from '@org/proxy';\n\nconst proxy: number = 'text';",
};

describe('the TypeScript samples of the docs', () => {
  let errors: Map<DocSample, string[]>;
  beforeAll(() => {
    errors = typecheckSamples([...SAMPLES, BROKEN]);
  }, 60_000);

  it('are found in getting-started and the READMEs', () => {
    const files = new Set(SAMPLES.map((sample) => sample.file));
    expect(SAMPLES.filter((s) => s.file === 'docs/getting-started.md').length).toBeGreaterThan(3);
    expect(files).toContain('README.md');
    expect(files).toContain('packages/proxy/README.md');
  });

  it('fail the check when they use a name @org/proxy does not export, at the Markdown line', () => {
    const found = errors.get(BROKEN) ?? [];
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^broken\.md:10: .*createProxxy/);
    expect(found[1]).toMatch(/^broken\.md:12: Type 'string' is not assignable to type 'number'/);
  });

  it.each(SAMPLES.map((sample) => [`${sample.file}:${sample.line}`, sample] as const))(
    '%s typechecks against the current API',
    (_where, sample) => {
      expect(errors.get(sample)).toEqual([]);
    },
  );
});
