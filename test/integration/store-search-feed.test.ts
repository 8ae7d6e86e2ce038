import { randomBytes } from 'node:crypto';
import { storesForSuite } from '../helpers/agora.js';
import type { SearchStore } from '../../server/store/search.js';
import { newId } from '../../server/store/ids.js';

// More of the search feed's contract, the same on every backend (store-search-contract.test.ts
// has the rest): the writer's mark an entry carries back to every reader (how a process knows its
// own entries, server/search/own-entries.ts), and reads that start in the middle of a long feed.

const post = (kind: 'post' | 'thread' = 'post') => ({ kind, id: newId() });

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the %s search feed', (kind) => {
  const stores = storesForSuite(kind);
  let search: SearchStore;
  beforeAll(() => {
    search = stores().search;
  });

  test("an entry carries its writer's mark back to every reader; one without a mark has none", async () => {
    const from = await search.head();
    const marked = { ...post(), origin: `w${randomBytes(3).toString('hex')}.1` };
    const plain = post('thread');
    await search.append([marked, plain]);
    const { entries } = await search.read(from, 10, 0);
    expect(entries.map(({ pos: _pos, ...rest }) => rest)).toEqual([marked, plain]);
    expect('origin' in entries[1]!).toBe(false);
  });

  test('a read from the middle of a long feed starts right after its position', async () => {
    const from = await search.head();
    const changes = Array.from({ length: 250 }, () => post());
    await search.append(changes);
    const all = (await search.read(from, 1000, 0)).entries;
    expect(all.map((e) => e.id)).toEqual(changes.map((c) => c.id));
    const after = await search.read(all[199]!.pos, 20, 0);
    expect(after.entries.map((e) => e.id)).toEqual(changes.slice(200, 220).map((c) => c.id));
  });
});
