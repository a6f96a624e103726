import { defineBuild } from '../../tooling/tsup.base.ts';

export default defineBuild({ entry: { index: 'src/index.ts' } });
