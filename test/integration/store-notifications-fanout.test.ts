import { storesForSuite } from '../helpers/agora.js';
import type { NotificationRecord } from '../../server/store/notifications.js';
import { newId } from '../../server/store/ids.js';

// What a post's fan-out asks of the notification store, the same on every backend
// (store-notifications-contract.test.ts has the rest): many notifications added at once, and
// each recipient's e-mail choices read without the rest of their preferences.

const note = (userId: string, over: Partial<NotificationRecord> = {}): NotificationRecord => ({
  id: newId(), userId, kind: 'mention', at: new Date(Date.parse('2031-05-06T07:00:00Z')).toISOString(), read: false,
  actorId: 'actor-1', postId: newId(), threadId: newId(), ...over,
});

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the %s store, for a fan-out', (kind) => {
  const stores = storesForSuite(kind);

  test("a post's fan-out adds many at once: each answers whether it was new, and each is found, listed and withdrawn like one added alone", async () => {
    const postId = newId();
    const members = [newId(), newId(), newId()];
    const before = note(members[1]!, { postId });
    expect(await stores().notifications.add(before)).toBe(true);
    const fanOut = members.map((u) => (u === members[1] ? { ...before, kind: 'reply' as const } : note(u, { postId, kind: 'watched' })));
    const elsewhere = note(members[0]!);
    expect(await stores().notifications.addMany([...fanOut, elsewhere])).toEqual([true, false, true, true]);
    expect(await stores().notifications.addMany([])).toEqual([]);
    for (const n of [fanOut[0]!, before, fanOut[2]!, elsewhere]) expect(await stores().notifications.get(n.id)).toEqual(n);
    expect(await stores().notifications.unreadCount(members[0]!)).toBe(2);
    const gone = await stores().notifications.withdrawPost(postId);
    expect(gone.map((n) => n.id).sort()).toEqual([fanOut[0]!.id, before.id, fanOut[2]!.id].sort());
    expect(await stores().notifications.get(elsewhere.id)).toEqual(elsewhere);
    expect(await stores().notifications.unreadCount(members[0]!)).toBe(1);
  });

  test("a fan-out reads each member's e-mail choices: the defaults, or what they chose, never another's", async () => {
    const [fresh, chose, other] = [newId(), newId(), newId()];
    await stores().notifications.setPreferences(chose, { emailOnMention: false, emailOnWatched: true, digest: 'daily' });
    await stores().notifications.setPreferences(other, { emailOnWatched: true });
    const choices = await stores().notifications.emailChoices([fresh, chose]);
    expect([...choices]).toEqual([
      [fresh, { emailOnMention: true, emailOnWatched: false }],
      [chose, { emailOnMention: false, emailOnWatched: true }],
    ]);
    expect(await stores().notifications.emailChoices([])).toEqual(new Map());
  });
});
