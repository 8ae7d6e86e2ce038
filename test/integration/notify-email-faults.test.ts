import type { Socket } from 'node:net';
import { useNotifyApp } from './notify-setup.js';
import { emailJobId } from '../../server/notifications/mail/index.js';
import { eventually } from '../helpers/eventually.js';

// Exactly one e-mail per notification, as far as SMTP allows: with two processes taking jobs from
// one Redis, and when the mail server refuses (4xx/5xx) or drops the connection before the message
// is in (sent again with backoff); a connection lost after the whole message went out may have
// delivered it, so it is never sent again. Memory runs the refusals too, with its clock. The first
// send waits out no real delay (the test promotes its job); retries wait their real, short backoff.

/** The test server's open connections (it keeps them private). */
const connectionsOf = (smtp: unknown) => (smtp as { server: { connections: Set<{ _socket: Socket }> } }).server.connections;

/** Two processes sharing Redis, both handing every notification over: one e-mail each. */
function twoProcesses(app: ReturnType<typeof useNotifyApp>) {
  const { world, member, thread, notify, afterDelay, settled, mailsTo } = app;
  test('a notification handed over by a process that then stops is e-mailed once by another', async () => {
    const author = await member();
    const reader = await member();
    const { threadId, post } = await thread(author.c);
    const leaving = await app.startExtra();
    const n = await notify(reader.user.id, author.user.id, { postId: post.id, threadId }, 'mention', leaving);
    await leaving.close();
    // Its job comes due only once the process that added it is gone.
    await afterDelay(n.id);
    await settled(n.id);
    expect(mailsTo(reader.user.email)).toHaveLength(1);
  });

  test('with two processes scheduling the same notifications, each is e-mailed exactly once', async () => {
    const author = await member();
    const readers = await Promise.all(Array.from({ length: 8 }, () => member()));
    const { threadId, post } = await thread(author.c);
    const ids: string[] = [];
    for (const r of readers) {
      const n = await notify(r.user.id, author.user.id, { postId: post.id, threadId });
      // The second process hands the same notification over too (a service retried on another process).
      await world.b.agora.notificationMail.delivery.scheduled(n);
      ids.push(n.id);
    }
    await afterDelay(...ids);
    await eventually(() => expect(readers.filter((r) => mailsTo(r.user.email).length > 0)).toHaveLength(8), { what: 'every reader has mail' });
    for (const id of ids) await settled(id);
    expect(readers.map((r) => mailsTo(r.user.email).length)).toEqual(readers.map(() => 1));
  });
}

describe.each(['memory', 'redis'] as const)('notification e-mail under faults on the %s store', (store) => {
  const app = useNotifyApp(store);
  const { world, member, thread, notify, afterDelay, settled, mailsTo, mailTo } = app;
  afterEach(() => world.smtp.reset());

  const scene = async () => {
    const author = await member();
    const reader = await member();
    const t = await thread(author.c);
    return { author, reader, at: { postId: t.post.id, threadId: t.threadId } };
  };

  test('refused at RCPT with 451 twice, the e-mail is sent again with backoff and arrives once', async () => {
    const { author, reader, at } = await scene();
    let asked = 0;
    world.smtp.rcptReply = { code: 451, message: 'Try again later' };
    world.smtp.beforeRcpt = () => {
      if (++asked === 3) world.smtp.rcptReply = null;
    };
    const n = await notify(reader.user.id, author.user.id, at);
    await afterDelay(n.id);
    await mailTo(reader.user.email);
    await settled(emailJobId(n.id, 3));
    expect(asked).toBe(3);
    expect(mailsTo(reader.user.email)).toHaveLength(1);
    expect(world.logs.text()).toMatch(/"outcome":"failed".*"responseCode":451/);
    expect(world.logs.text()).not.toContain(reader.user.email);
  });

  test('a message refused after its data with 554 is sent again and arrives once', async () => {
    const { author, reader, at } = await scene();
    world.smtp.dataReply = { code: 554, message: 'Transaction failed' };
    world.smtp.beforeRcpt = () => {
      // The second attempt's RCPT: from here the server accepts.
      if (world.smtp.seen.rcpt === 2) world.smtp.dataReply = null;
    };
    const n = await notify(reader.user.id, author.user.id, at);
    await afterDelay(n.id);
    await mailTo(reader.user.email);
    await settled(emailJobId(n.id, 2));
    expect(world.smtp.seen.data).toBe(2);
    expect(mailsTo(reader.user.email)).toHaveLength(1);
  });

  test('a connection dropped before the message went out is retried; the e-mail arrives once', async () => {
    const { author, reader, at } = await scene();
    world.smtp.beforeRcpt = () => {
      if (world.smtp.seen.rcpt === 1) for (const c of connectionsOf(world.smtp)) c._socket.destroy();
    };
    const n = await notify(reader.user.id, author.user.id, at);
    await afterDelay(n.id);
    await mailTo(reader.user.email);
    await settled(emailJobId(n.id, 2));
    expect(world.smtp.seen.rcpt).toBe(2);
    expect(mailsTo(reader.user.email)).toHaveLength(1);
  });

  test('a connection dropped after the whole message went out is never sent again (the server may have it)', async () => {
    const { author, reader, at } = await scene();
    world.smtp.dropAfterData = true;
    const n = await notify(reader.user.id, author.user.id, at);
    await afterDelay(n.id);
    await settled(n.id);
    expect(world.logs.text()).toMatch(/"outcome":"unknown"/);
    // A retry is a job the attempt adds before it ends: none was added, so none can ever run.
    expect(await app.queueOf().state(emailJobId(n.id, 2))).toBe('unknown');
    // And the queue still sends: a later notification arrives, the first was delivered once only.
    world.smtp.dropAfterData = false;
    const later = await notify(author.user.id, reader.user.id, at);
    await afterDelay(later.id);
    await mailTo(author.user.email);
    await settled(later.id);
    expect([world.smtp.seen.data, mailsTo(reader.user.email).length]).toEqual([2, 1]);
  });

  if (store === 'redis') twoProcesses(app);
});

// The queue's keys share one hash tag: on a cluster, jobs and their e-mail work as on one Redis.
describe('notification e-mail on Redis Cluster', () => {
  twoProcesses(useNotifyApp('redis-cluster'));
});
