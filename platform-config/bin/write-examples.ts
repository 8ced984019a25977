// Rewrites platform-config/app-config.*.js from platform-config/src/examples.ts: npm run config-examples
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { exampleFiles } from '../src/examples';

const dir = path.resolve(import.meta.dirname, '..');
for (const example of exampleFiles()) {
  writeFileSync(path.join(dir, example.name), example.script);
  console.log(`wrote platform-config/${example.name}`);
}
