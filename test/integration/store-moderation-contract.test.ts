import { cleanBackend, makeStores, testPrefix } from '../helpers/agora.js';
import type { Stores } from '../../server/store/index.js';
import type { AuditRecord, FlagRecord } from '../../server/store/moderation.js';
import { newId } from '../../server/store/ids.js';

const flag = (over: Partial<FlagRecord> = {}): FlagRecord => ({
  id: newId(), postId: newId(), threadId: newId(), byId: newId(), reason: 'spam', createdAt: new Date().toISOString(),
  status: 'open', resolvedAt: null, resolvedById: null, ...over,
});

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the %s moderation and testimonial stores', (kind) => {
  let stores: Stores;
  const prefix = testPrefix();
  beforeAll(async () => {
    stores = await makeStores(kind, prefix);
  });
  afterAll(async () => {
    await stores?.close();
    await cleanBackend(kind, prefix);
  });

  test('one open flag per member per post; distinct open flaggers are counted; resolving frees the member to flag again', async () => {
    const postId = newId();
    const [a, b] = [newId(), newId()];
    const at = (ms: number) => new Date(Date.parse('2030-01-01T00:00:00.000Z') + ms).toISOString();
    const f1 = flag({ postId, byId: a, createdAt: at(0) });
    expect(await stores.moderation.addFlag(f1)).toEqual({ ok: true, openFlaggers: 1 });
    expect(await stores.moderation.addFlag(flag({ postId, byId: a }))).toEqual({ ok: false, reason: 'duplicate' });
    expect(await stores.moderation.addFlag(flag({ postId, byId: b, createdAt: at(1) }))).toEqual({ ok: true, openFlaggers: 2 });
    const resolved = await stores.moderation.resolveFlags([f1.id], 'dismissed', 'mod', '2026-01-01T00:00:00.000Z');
    expect(resolved).toEqual([{ ...f1, status: 'dismissed', resolvedById: 'mod', resolvedAt: '2026-01-01T00:00:00.000Z' }]);
    expect(await stores.moderation.resolveFlags([f1.id], 'dismissed', 'mod', 'x')).toEqual([]);
    expect(await stores.moderation.getFlag(f1.id)).toMatchObject({ status: 'dismissed' });
    expect((await stores.moderation.addFlag(flag({ postId, byId: a, createdAt: at(2) }))).ok).toBe(true);
    expect((await stores.moderation.flagsOfPost(postId)).map((f) => f.byId)).toEqual([a, b, a]);
    expect((await stores.moderation.flagsByMember(a)).length).toBe(2);
    await stores.moderation.deleteFlagsBy(a);
    expect(await stores.moderation.flagsByMember(a)).toEqual([]);
    expect((await stores.moderation.flagsOfPost(postId)).map((f) => f.byId)).toEqual([b]);
    expect(await stores.moderation.addFlag(flag({ postId, byId: a }))).toEqual({ ok: true, openFlaggers: 2 });
  });

  test('the queue keeps first-entry order, ignores repeats and forgets dequeued posts', async () => {
    const ids = [newId(), newId(), newId()];
    const base = Date.now() + 10_000_000; // after anything other tests queued
    await stores.moderation.enqueue(ids[1]!, base + 2);
    await stores.moderation.enqueue(ids[0]!, base + 1);
    await stores.moderation.enqueue(ids[2]!, base + 3);
    await stores.moderation.enqueue(ids[0]!, base + 9);
    const all = await stores.moderation.queue(0, 1000);
    expect(all.filter((id) => ids.includes(id))).toEqual([ids[0], ids[1], ids[2]]);
    await stores.moderation.dequeue(ids[1]!);
    expect(await stores.moderation.inQueue(ids[1]!)).toBe(false);
    expect(await stores.moderation.inQueue(ids[2]!)).toBe(true);
  });

  test('the audit log pages newest first and filters by actor, action and target together', async () => {
    const actor = newId();
    const target = newId();
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    const entries: AuditRecord[] = [];
    for (let i = 0; i < 7; i++) {
      const e: AuditRecord = {
        id: newId(), at: new Date(base + (i === 4 ? 3 : i) * 1000).toISOString(), actorId: actor,
        action: i % 2 ? 'post.remove' : 'post.restore', target: { kind: 'post', id: i < 5 ? target : newId() }, reason: `r${i}`,
      };
      entries.push(e);
      await stores.moderation.appendAudit(e);
    }
    const newestFirst = [...entries].sort((x, y) => Date.parse(y.at) - Date.parse(x.at) || (x.id < y.id ? 1 : -1));
    const seen: AuditRecord[] = [];
    let cursor: { at: number; id: string } | null = null;
    for (let i = 0; i < 5; i++) {
      const page = await stores.moderation.audit({ actorId: actor }, cursor, 3);
      seen.push(...page);
      if (page.length < 3) break;
      cursor = { at: Date.parse(page.at(-1)!.at), id: page.at(-1)!.id };
    }
    expect(seen).toEqual(newestFirst);
    const removesOfTarget = await stores.moderation.audit({ actorId: actor, action: 'post.remove', targetId: target }, null, 50);
    expect(removesOfTarget.map((e) => e.reason)).toEqual(newestFirst.filter((e) => e.action === 'post.remove' && e.target.id === target).map((e) => e.reason));
  });

  test("erasing a member's flag reasons blanks only the entries quoting them; the entries stay", async () => {
    const [member, other, actor] = [newId(), newId(), newId()];
    const at = '2030-02-01T00:00:00.000Z';
    const entry = (over: Partial<AuditRecord>): AuditRecord => ({ id: newId(), at, actorId: actor, action: 'flag.dismiss', target: { kind: 'post', id: newId() }, reason: 'his own words', ...over });
    const mine = entry({ flaggerId: member });
    const theirs = entry({ flaggerId: other, reason: 'another member' });
    const moderators = entry({ action: 'post.remove', reason: 'the moderator' });
    for (const e of [mine, theirs, moderators]) await stores.moderation.appendAudit(e);
    await stores.moderation.eraseFlaggerReasons(member);
    const after = await stores.moderation.audit({ actorId: actor }, null, 10);
    expect(after).toEqual(expect.arrayContaining([{ ...mine, reason: '', flaggerId: null }, theirs, moderators]));
    expect(after).toHaveLength(3);
  });

  test('testimonials are stored, listed per author newest first, and deleted', async () => {
    const author = newId();
    const t1 = { id: newId(), authorId: author, text: 'one', createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z', consent: null, featured: false };
    const t2 = { ...t1, id: newId(), text: 'two', createdAt: '2030-01-02T00:00:00.000Z', consent: { name: 'A', title: 'B', text: 'two', at: 'x' }, featured: true };
    await stores.testimonials.put(t1);
    await stores.testimonials.put(t2);
    expect(await stores.testimonials.byAuthor(author)).toEqual([t2, t1]);
    expect(await stores.testimonials.get(t2.id)).toEqual(t2);
    expect((await stores.testimonials.all()).map((t) => t.id)).toEqual(expect.arrayContaining([t1.id, t2.id]));
    await stores.testimonials.delete(t1.id);
    expect(await stores.testimonials.byAuthor(author)).toEqual([t2]);
    expect(await stores.testimonials.get(t1.id)).toBeNull();
  });
});
