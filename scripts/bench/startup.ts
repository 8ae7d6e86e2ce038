// Start-up and footprint (issue 20, item 4): the built server (`node dist/server/main.js`) on the
// in-memory store, from spawning the process until `GET /readyz` answers 200 (every check ready,
// the search index loaded), and its resident memory once idle. Baseline in the same run: the bare
// express app of the HTTP section, from spawning until it prints that it listens. Alternating,
// REPEATS times each; the figures are medians.
import { startServer, freePort, type Child } from './processes.js';
import { median, runSection, startServers, stopServers, type Resources } from './harness.js';
import { settledRss } from './memory.js';
import { fmt, type Row } from './table.js';

const SECTION = 'startup';
const REPEATS = 5;
const READY_TIMEOUT_MS = 10_000;
const SECTION_TIMEOUT_MS = 120_000;

async function readyz(port: number, since: number): Promise<number> {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return performance.now() - since;
    if (performance.now() - since > READY_TIMEOUT_MS) throw new Error(`/readyz not 200 after ${READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function measure(res: Resources): Promise<Row[]> {
  const agora = { listening: [] as number[], ready: [] as number[], rssKb: [] as number[] };
  const bare = { listening: [] as number[], rssKb: [] as number[] };
  const one = async (kind: 'agora' | 'bare') => {
    const port = await freePort();
    const t0 = performance.now();
    const start: Promise<Child> = kind === 'agora'
      ? startServer('agora (memory)', 'server/main', { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', DEMO_ACCOUNTS: '0', SESSION_SECRET: res.secret }, 'Agora listening')
      : startServer('bare express', 'scripts/bench/bare-express', { PORT: String(port) }, 'bare express listening');
    const [server] = await startServers(res, [start]);
    const listening = performance.now() - t0;
    try {
      if (kind === 'agora') {
        agora.ready.push(await readyz(port, t0));
        agora.listening.push(listening);
      } else bare.listening.push(listening);
      const rss = await settledRss(server!.child.pid!);
      (kind === 'agora' ? agora : bare).rssKb.push(rss.kb);
      res.log(`${kind}: listening after ${fmt(listening)} ms, RSS ${fmt(rss.kb / 1024, 1)} MiB${rss.settled ? '' : ' (not settled)'}`);
    } finally {
      await stopServers(res, [server!]);
    }
  };
  for (let i = 0; i < REPEATS; i++) for (const kind of i % 2 === 0 ? (['agora', 'bare'] as const) : (['bare', 'agora'] as const)) await one(kind);
  const s = (ms: number) => `${fmt(ms / 1000, 2)} s`;
  const mib = (kb: number) => `${fmt(kb / 1024, 1)} MiB`;
  const ready = median(agora.ready);
  return [
    {
      section: SECTION, metric: `built server on the memory store: spawn → /readyz 200, median of ${REPEATS}`, agora: s(ready),
      baseline: `${s(median(bare.listening))} (bare express: spawn → listening)`, ratio: `${fmt(ready / median(bare.listening), 1)}×`, target: '< 1 s', ok: ready < 1_000,
    },
    { section: SECTION, metric: '  spawn → "Agora listening" printed', agora: s(median(agora.listening)), baseline: '', ratio: '', target: '', ok: null },
    {
      section: SECTION, metric: `idle RSS once settled, median of ${REPEATS}`, agora: mib(median(agora.rssKb)), baseline: `${mib(median(bare.rssKb))} (bare express)`,
      ratio: `${fmt(median(agora.rssKb) / median(bare.rssKb), 1)}×`, target: 'reported', ok: null,
    },
  ];
}

export function benchStartup(): Promise<Row[]> {
  return runSection(SECTION, SECTION_TIMEOUT_MS, measure);
}
