// One table for every benchmark: each figure beside its baseline from the same run.
export interface Row {
  section: string;
  metric: string;
  agora: string;
  baseline: string;
  ratio: string;
  target: string;
  ok: boolean | null;
}

export function printTable(rows: Row[]): void {
  const head: Row = { section: 'section', metric: 'metric', agora: 'Agora', baseline: 'baseline', ratio: 'ratio', target: 'target', ok: null };
  const cols = ['section', 'metric', 'agora', 'baseline', 'ratio', 'target'] as const;
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[head, ...rows].map((r) => r[c].length))])) as Record<(typeof cols)[number], number>;
  const line = (r: Row) => `${cols.map((c) => r[c].padEnd(width[c])).join(' | ')} | ${r.ok === null ? (r === head ? 'met' : '') : r.ok ? 'yes' : 'NO'}`;
  process.stdout.write(`${line(head)}\n${cols.map((c) => '-'.repeat(width[c])).join('-|-')}-|----\n${rows.map(line).join('\n')}\n`);
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
