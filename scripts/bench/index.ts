// npm run bench: every figure beside a baseline measured in the same run, in one table.
import { benchPipeline } from './pipeline.js';
import { benchRemoval } from './removal.js';
import { printTable, type Row } from './table.js';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const sections: [string, () => Row[] | Promise<Row[]>][] = [['pipeline', benchPipeline], ['removal', benchRemoval]];
  const rows: Row[] = [];
  for (const [name, run] of sections) {
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`bench: ${name}…\n`);
    rows.push(...(await run()));
  }
  printTable(rows);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
