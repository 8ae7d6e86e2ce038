// npm run bench [section…]: every figure beside a baseline measured in the same run, in one table.
// `npm run bench` compiles first and runs dist/scripts/bench/index.js; every server and load
// generator it spawns runs compiled code from dist/. `npx tsx scripts/bench/index.ts [section…]`
// works too: it compiles the same way before starting, so only this orchestrator (and so the
// in-process pipeline section) runs under tsx; the figures of record come from `npm run bench`.
import { spawnSync } from 'node:child_process';
import { benchPipeline } from './pipeline.js';
import { benchRemoval } from './removal.js';
import { benchHttp } from './http.js';
import { benchFanout } from './fanout.js';
import { benchMemory } from './memory.js';
import { benchSecrets } from './secrets.js';
import { benchSearch } from './search.js';
import { benchNotify } from './notify.js';
import { benchPostCost } from './post-cost.js';
import { benchPostInstructions } from './post-instructions.js';
import { benchStartup } from './startup.js';
import { benchWatchers } from './watchers.js';
import { ROOT, runningCompiled } from './processes.js';
import { fmt, printTable, type Row } from './table.js';

// The last element marks a section that runs only when named (post-instructions: valgrind, about 25 minutes).
const SECTIONS: [string, () => Row[] | Promise<Row[]>, 'when named'?][] = [
  ['pipeline', benchPipeline],
  ['http', benchHttp],
  ['fanout', benchFanout],
  ['removal', benchRemoval],
  ['memory', benchMemory],
  ['secrets', benchSecrets],
  ['search', benchSearch],
  ['notify', benchNotify],
  ['post-cost', benchPostCost],
  ['post-instructions', benchPostInstructions, 'when named'],
  ['startup', benchStartup],
  ['watchers', benchWatchers],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((s) => !SECTIONS.some(([name]) => name === s));
  if (unknown.length) throw new Error(`no section ${unknown.join(', ')}; the sections are ${SECTIONS.map(([n]) => n).join(', ')}`);
  if (!runningCompiled) {
    process.stderr.write('bench: under tsx, compiling dist/ for the spawned processes (npm run build:server)…\n');
    if (spawnSync('npm', ['run', 'build:server', '--silent'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build:server failed');
  }
  const started = performance.now();
  const rows: Row[] = [];
  for (const [name, run, whenNamed] of SECTIONS) {
    if (only.length ? !only.includes(name) : whenNamed) continue;
    const t = performance.now();
    process.stderr.write(`bench: ${name}…\n`);
    try {
      rows.push(...(await run()));
      process.stderr.write(`bench: ${name} done in ${fmt((performance.now() - t) / 1000, 1)} s\n`);
    } catch (err) {
      // The section has cleaned up after itself; the others still run, and the exit code says it.
      process.stderr.write(`bench: ${name} failed: ${(err as Error).stack}\n`);
      rows.push({ section: name, metric: 'FAILED (see stderr)', agora: (err as Error).message.split('\n')[0]!.slice(0, 120), baseline: '', ratio: '', target: '', ok: false });
      process.exitCode = 1;
    }
  }
  process.stderr.write(`bench: all done in ${fmt((performance.now() - started) / 1000, 1)} s\n`);
  printTable(rows);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
