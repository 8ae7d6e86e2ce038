import { cleanRedis, startAgora, testPrefix, type Running } from '../../helpers/agora.js';
import { signedIn, type Client } from '../../helpers/http.js';
import { dumpRedis } from '../../helpers/redis-dump.js';
import { exportDataSchema } from '../../../shared/schemas/account.js';

// The data export holds the member's thread subscriptions and read positions (right of access):
// every thread by id, its title only while the member may still read it; nobody else's; and
// deleting the account forgets them. Over HTTP, on memory and on Redis.

describe.each(['memory', 'redis'] as const)('subscriptions and read positions in the export on the %s store', (store) => {
  const prefix = testPrefix();
  let agora: Running;
  let forumId: string;
  let moderator: Client;

  beforeAll(async () => {
    agora = await startAgora({ store, prefix: store === 'redis' ? prefix : undefined, env: { POST_RATE_PER_MINUTE: '1000' } });
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    forumId = (await admin.post('/api/forums', { slug: `nx-${Date.now()}`, title: 'Export' })).body.forum.id;
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
  });
  afterAll(async () => {
    await agora?.close();
    if (store === 'redis') await cleanRedis(prefix);
  });

  const member = () => signedIn(agora.url, agora.stores.users, 'member');
  async function thread(by: Client, title: string) {
    const res = await by.post(`/api/forums/${forumId}/threads`, { title, body: 'the opening post' });
    expect(res.status).toBe(201);
    return res.body.thread.id as string;
  }
  const level = async (c: Client, threadId: string, l: 'watching' | 'muted' | 'normal') => expect((await c.put(`/api/threads/${threadId}/subscription`, { level: l })).status).toBe(200);
  const read = async (c: Client, threadId: string, seq: number) => expect((await c.post(`/api/threads/${threadId}/read`, { seq })).status).toBe(204);
  const exported = async (c: Client) => {
    const res = await c.get('/api/me/export');
    expect(res.status).toBe(200);
    return exportDataSchema.parse(res.body).notifications!;
  };
  /** The Redis keys of the member's own hash tag, by their last part. */
  const memberKeys = async (userId: string) => (await dumpRedis(prefix)).split('\n')
    .filter((l) => l.startsWith(`${prefix}{n:${userId}}:`)).map((l) => l.slice(`${prefix}{n:${userId}}:`.length).split(' ')[0]).sort();

  test('the export lists the threads the member watches or muted and where they stopped reading, titled only while they may read them', async () => {
    const me = await member();
    const other = await member();
    const watched = await thread(other, 'Watched here');
    const muted = await thread(other, 'Muted here');
    const removed = await thread(other, 'Removed later');
    const purged = await thread(other, 'Purged later');
    const dropped = await thread(other, 'Dropped');
    const mine = await thread(me, 'My own thread');
    await level(me, watched, 'watching');
    await read(me, watched, 1);
    await level(me, muted, 'muted');
    await level(me, removed, 'watching');
    await read(me, removed, 1);
    await level(me, purged, 'muted');
    await level(me, dropped, 'watching');
    await level(me, dropped, 'normal');
    await level(moderator, removed, 'watching');
    await level(moderator, purged, 'watching');
    expect((await moderator.post(`/api/threads/${removed}/remove`, { reason: 'off topic' })).status).toBe(200);
    expect((await moderator.post(`/api/threads/${purged}/remove`, { reason: 'doxxing' })).status).toBe(200);
    expect((await moderator.post(`/api/threads/${purged}/purge`, { reason: 'doxxing' })).status).toBe(204);

    type Row = { threadId: string } & Record<string, unknown>;
    const byId = (xs: Row[]) => [...xs].sort((a, b) => (a.threadId < b.threadId ? -1 : a.threadId > b.threadId ? 1 : 0));
    const data = await exported(me);
    expect(data.subscriptions).toEqual(byId([
      { threadId: watched, title: 'Watched here', level: 'watching' },
      { threadId: muted, title: 'Muted here', level: 'muted' },
      // The member may no longer read a removed thread: its id only.
      { threadId: removed, title: null, level: 'watching' },
      { threadId: purged, title: null, level: 'muted' },
      // Starting a thread is watching it, and writing its first post is reading it.
      { threadId: mine, title: 'My own thread', level: 'watching' },
    ]));
    expect(data.readPositions).toEqual(byId([
      { threadId: watched, title: 'Watched here', lastReadSeq: 1 },
      { threadId: removed, title: null, lastReadSeq: 1 },
      { threadId: mine, title: 'My own thread', lastReadSeq: 1 },
    ]));
    // Staff may still read a removed thread, so a moderator's export names it; a purged one has no title left.
    const staff = await exported(moderator);
    expect(staff.subscriptions.filter((s) => s.threadId === removed || s.threadId === purged)).toEqual(byId([
      { threadId: removed, title: 'Removed later', level: 'watching' },
      { threadId: purged, title: null, level: 'watching' },
    ]));
    // The other member's own levels and positions (they started every thread above) are theirs alone.
    expect((await exported(other)).subscriptions.map((s) => s.threadId).sort()).toEqual([watched, muted, removed, purged, dropped].sort());
    const text = JSON.stringify(data);
    expect(text).not.toContain(other.user!.id);
    expect(text).not.toContain('Removed later');
  });

  test('deleting the account forgets its subscriptions and read positions, on Redis its {n:<id>} reads and subs too', async () => {
    const me = await member();
    const other = await member();
    const theirs = await thread(other, 'Somebody else\'s');
    const mine = await thread(me, 'Mine to leave');
    await level(me, theirs, 'muted');
    await read(me, theirs, 1);
    const id = me.user!.id;
    expect(await agora.stores.notifications.memberThreads(id)).toEqual({
      subscriptions: new Map([[theirs, 'muted'], [mine, 'watching']]),
      readPositions: new Map([[theirs, 1], [mine, 1]]),
    });
    if (store === 'redis') expect(await memberKeys(id)).toEqual(expect.arrayContaining(['reads', 'subs']));

    expect((await me.del('/api/me', { password: 'a fine long password', posts: 'anonymize' })).status).toBe(204);

    expect(await agora.stores.notifications.memberThreads(id)).toEqual({ subscriptions: new Map(), readPositions: new Map() });
    for (const t of [theirs, mine]) expect((await agora.stores.notifications.subscribers(t)).has(id)).toBe(false);
    expect((await agora.stores.notifications.subscribers(theirs)).get(other.user!.id)).toBe('watching');
    if (store === 'redis') {
      expect(await memberKeys(id)).toEqual([]);
      // Nor does any thread's list of levels name the member.
      const levels = (await dumpRedis(prefix)).split('\n').filter((l) => l.startsWith(`${prefix}{ns:`));
      expect(levels.filter((l) => l.includes(id))).toEqual([]);
    }
  });
});
