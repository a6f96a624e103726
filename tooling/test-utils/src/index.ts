/**
 * Test helpers shared by the workspace. Private: never published.
 */
export { declaredExports } from './surface';
