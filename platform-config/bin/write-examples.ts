// Rewrites platform-config/app-config.*.js from platform-config/src/examples.ts: npm run config-examples
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { exampleFiles } from '../src/examples';
import { reportProviderExample } from '../src/report-provider';

const dir = path.resolve(import.meta.dirname, '..');
for (const example of exampleFiles()) {
  writeFileSync(path.join(dir, example.name), example.script);
  console.log(`wrote platform-config/${example.name}`);
}
const reportProvider = reportProviderExample();
writeFileSync(path.join(dir, reportProvider.name), reportProvider.text);
console.log(`wrote platform-config/${reportProvider.name}`);
