/*
 * Rewrites README's configuration table from the schema in server/config/env.ts:
 *   npm run docs:config
 * test/unit/config-docs.test.ts fails while README and the schema disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withConfigTable } from '../server/config/readme-table.js';

const readmePath = path.resolve(__dirname, '..', 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withConfigTable(before);
if (after === before) {
  process.stdout.write('README.md: the configuration table already matches server/config/env.ts\n');
} else {
  writeFileSync(readmePath, after);
  process.stdout.write('README.md: configuration table rewritten from server/config/env.ts\n');
}
