import { defineBuild } from '../../tooling/tsup.base.ts';

// `cli` is the `org-mcp-proxy` bin; tsup keeps its shebang and makes it executable.
export default defineBuild({ entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' } });
