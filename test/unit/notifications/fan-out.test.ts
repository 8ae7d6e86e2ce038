// Where a post's fan-out runs (issue 19): a post that concerns a few members is fanned out by the
// process that wrote it, with a delayed job as its safety net, cancelled once that is done; one
// that may concern many is a job at once. The memory stores and queue, the queue on an injected
// clock: the net's delay passes only when the test moves the clock.
import { createAccount } from '../../../server/auth/service.js';
import { MemoryJobQueue } from '../../../server/jobs/memory.js';
import { INLINE_MAX, NotificationCenter, SAFETY_NET_MS, notificationId } from '../../../server/notifications/service.js';
import { createMemoryStores, type Stores } from '../../../server/store/index.js';
import type { PostRecord, ThreadRecord } from '../../../server/store/forum.js';
import type { JobData, JobOptions } from '../../../server/jobs/queue.js';
import { silentLogger } from '../../helpers/agora.js';
import { eventually } from '../../helpers/eventually.js';

const T0 = Date.parse('2031-05-06T07:00:00Z');
const created = [{ event: 'post:created' as const, audience: 'all' as const }];

describe('the notification fan-out', () => {
  let stores: Stores;
  let clock: number;
  let jobs: MemoryJobQueue & { state(id: string): Promise<string> };
  let added: { name: string; data: JobData; opts: JobOptions }[];
  let center: NotificationCenter;
  let failAddMany: number;
  const live: { userId: string; event: string }[] = [];
  let thread: ThreadRecord;
  let post: PostRecord;

  const member = async (name: string) => (await createAccount(stores.users, { username: name, email: `${name}@example.com`, password: 'a fine long password' })).id;

  beforeEach(async () => {
    stores = createMemoryStores({ secret: 'test' });
    clock = T0;
    added = [];
    live.length = 0;
    failAddMany = 0;
    jobs = new MemoryJobQueue({ now: () => clock, pollMs: 5 }) as typeof jobs;
    const add = jobs.add.bind(jobs);
    jobs.add = (name, data, opts) => {
      added.push({ name, data, opts });
      return add(name, data, opts);
    };
    const notifications = stores.notifications;
    const starter = await member('starter');
    const writer = await member('writer');
    thread = { id: 't1', forumId: 'f1', title: 'Garden plans', authorId: starter, createdAt: new Date(T0).toISOString(), lastPostAt: new Date(T0).toISOString(), postCount: 2, locked: false, held: false };
    post = { id: 'p2', threadId: 't1', forumId: 'f1', authorId: writer, source: 'Plant beans.', html: '<p>Plant beans.</p>', createdAt: new Date(T0).toISOString(), editedAt: null, status: 'visible', piiTypes: [], removal: null, heldReason: null, purged: false, seq: 2 };
    await notifications.setSubscription(starter, 't1', 'watching');
    center = new NotificationCenter({
      notifications: {
        ...notifications,
        addMany: (ns) => (failAddMany-- > 0 ? Promise.reject(Object.assign(new Error('store away'), { code: 'ECONNRESET' })) : notifications.addMany(ns)),
        emailChoices: (ids) => notifications.emailChoices(ids),
        subscribers: (id) => notifications.subscribers(id),
        markThreadRead: (u, t, s) => notifications.markThreadRead(u, t, s),
        setSubscription: (u, t, l) => notifications.setSubscription(u, t, l),
        withdrawPost: (id) => notifications.withdrawPost(id),
      },
      forum: { getPost: async (id) => (id === post.id ? post : null), getThread: async (id) => (id === thread.id ? thread : null), listPosts: async () => [post] },
      users: stores.users,
      jobs,
      live: { toMember: (userId: string, event: string) => void live.push({ userId, event }) },
      logger: silentLogger(),
      now: () => clock,
    });
    await jobs.start();
  });
  afterEach(async () => {
    await jobs.close();
    await stores.close();
  });

  const starterId = () => thread.authorId!;
  const notified = () => stores.notifications.list(starterId(), { unreadOnly: false, after: null, limit: 10 });

  test('a reply that concerns a few is fanned out at once, and its safety net is cancelled', async () => {
    await center.postChanged(post, thread, created);
    const net = added.find((a) => a.name === 'notify-post')!;
    expect(net.opts.delayMs).toBe(SAFETY_NET_MS);
    // Told without any job running: the clock has not moved.
    await eventually(() => expect(live).toEqual([{ userId: starterId(), event: 'notification:new' }]), { what: 'the starter is told' });
    expect((await notified()).items.map((n) => n.id)).toEqual([notificationId(starterId(), post.id)]);
    await eventually(async () => expect(await jobs.state(net.opts.id)).toBe('unknown'), { what: 'the safety net is cancelled' });
    clock += SAFETY_NET_MS + 1;
    await jobs.runDue();
    expect(live).toHaveLength(1);
  });

  test('when the fan-out fails half-way, the safety net does it once its delay has passed, and only once', async () => {
    failAddMany = 1;
    await center.postChanged(post, thread, created);
    const net = added.find((a) => a.name === 'notify-post')!;
    expect(await jobs.state(net.opts.id)).toBe('waiting');
    clock += SAFETY_NET_MS - 1;
    await jobs.runDue();
    expect((await notified()).items).toEqual([]);
    clock += 2;
    await jobs.runDue();
    await eventually(async () => expect(await jobs.state(net.opts.id)).toBe('completed'), { what: 'the safety net ran' });
    expect((await notified()).items.map((n) => n.kind)).toEqual(['reply']);
    expect(live).toEqual([{ userId: starterId(), event: 'notification:new' }]);
  });

  test('a reply that may concern more than INLINE_MAX members is a job due at once, not fanned out by the writer', async () => {
    for (let i = 0; i < INLINE_MAX; i++) await stores.notifications.setSubscription(`watcher-${i}`, 't1', 'watching');
    await center.postChanged(post, thread, created);
    const job = added.find((a) => a.name === 'notify-post')!;
    expect(job.opts.delayMs).toBeUndefined();
    await eventually(async () => expect(await jobs.state(job.opts.id)).toBe('completed'), { what: 'the fan-out job ran' });
    // The unknown watchers have no account: only the starter is notified.
    expect(live).toEqual([{ userId: starterId(), event: 'notification:new' }]);
  });

  test('a post that concerns nobody adds no job at all, an @ that mentions no one included', async () => {
    // The starter's own reply: they are the only watcher.
    await center.postChanged({ ...post, authorId: starterId() }, thread, created);
    await center.postChanged({ ...post, authorId: starterId(), source: 'mail me at someone@example.com or `@writer`' }, thread, created);
    expect(added).toEqual([]);
    await center.postChanged({ ...post, authorId: starterId(), source: 'what do you think, @writer?' }, thread, created);
    expect(added.map((a) => a.name)).toEqual(['notify-post']);
  });
});
