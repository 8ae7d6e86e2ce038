// How a test starts one of Agora's programs in a process of its own: the compiled build when it is
// current (`npm test` brings it up to date first, and plain node starts in half the CPU of tsx),
// else the TypeScript source through tsx, as after an edit run with `npx jest` alone. Whether the
// build is current is judged as `npm start` judges it (scripts/build-state.mjs), once per entry.
import { repo, serverStaleness } from './built-checkout.js';

export type Entry = 'server/main' | 'scripts/user-create' | 'scripts/search-reindex';

const current = new Map<Entry, boolean>();

/** node's arguments that run `entry` (before the program's own arguments), from the repository root. */
export function entryArgs(entry: Entry, preload: string[] = []): string[] {
  if (!current.has(entry)) current.set(entry, serverStaleness(repo, `dist/${entry}.js`) === null);
  const imports = preload.flatMap((p) => ['--import', p]);
  return current.get(entry) ? [...imports, `dist/${entry}.js`] : ['--import', 'tsx', ...imports, `${entry}.ts`];
}
