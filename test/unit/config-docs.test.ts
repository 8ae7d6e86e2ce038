import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../server/config/env.js';
import { configTable, readmeConfigTable, withConfigTable } from '../../server/config/readme-table.js';

const root = path.resolve(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

const rowNames = (table: string): string[] =>
  table.split('\n').slice(2).map((row) => /^\| `([A-Z0-9_]+)` \|/.exec(row)?.[1] ?? `unreadable row: ${row}`);

describe('README configuration table', () => {
  test('names every variable the schema declares, in its order, and no other', () => {
    expect(rowNames(readmeConfigTable(readme))).toEqual(Object.keys(envSchema.shape));
  });

  test('says what the schema says (defaults, bounds, descriptions): run `npm run docs:config` after changing server/config/env.ts', () => {
    expect(readmeConfigTable(readme)).toBe(configTable());
  });

  test('a row shows the default, the accepted values and the description declared for the variable', () => {
    const row = (name: string) => configTable().split('\n').find((r) => r.startsWith(`| \`${name}\` |`));
    expect(row('PORT')).toBe(`| \`PORT\` | \`3000\` | integer 0–65535 | ${envSchema.shape.PORT.meta()?.description} |`);
    expect(row('LOG_LEVEL')).toMatch(/^\| `LOG_LEVEL` \| `info` \| `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent` \| /);
    expect(row('SESSION_IDLE_MINUTES')).toMatch(/^\| `SESSION_IDLE_MINUTES` \| `10080` \(7 days\) \| integer 5–527040 \| /);
    expect(row('METRICS_TOKEN')).toMatch(/^\| `METRICS_TOKEN` \| unset \| empty or at least 16 characters \| /);
  });

  test('rewriting the table changes nothing else in README', () => {
    const current = readmeConfigTable(readme);
    const stale = readme.replace(current, () => '| variable | default | accepts | meaning |\n|---|---|---|---|');
    const rewritten = withConfigTable(stale);
    expect(readmeConfigTable(rewritten)).toBe(configTable());
    // A function replacer: the table holds `$` sequences that a replacement string would expand.
    expect(rewritten.replace(configTable(), () => current)).toBe(readme);
  });
});

describe('configuration is read in one place', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) return sources(p);
      return /\.tsx?$/.test(d.name) ? [p] : [];
    });

  test('no server file but config.ts reads process.env, so every setting is declared in the schema', () => {
    const readers = sources(path.join(root, 'server'))
      .filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(root, f));
    expect(readers).toEqual([path.join('server', 'config.ts')]);
  });
});
