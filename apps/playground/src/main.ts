import { VERSION } from '@org/proxy';

console.log(`@org/proxy ${VERSION}`);
