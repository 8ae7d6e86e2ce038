// What the notification e-mail suites share: Agora with a real SMTP server, on memory (one
// instance, time moved by its clock) or on Redis or Redis Cluster (two instances on one prefix; the
// e-mail delay is an hour of Redis's clock, which no test waits for: each promotes its jobs instead);
// members, a forum and posts made over HTTP; notifications made straight in the store and handed to
// the delivery, as the notification service does.
import { cleanBackend, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { Client, signedIn, uniqueName } from '../helpers/http.js';
import { captureLogs } from '../helpers/log-capture.js';
import { TestSmtpServer, type ReceivedMail } from '../helpers/smtp.js';
import { createAccount } from '../../server/auth/service.js';
import { newId } from '../../server/store/ids.js';
import type { NotificationRecord } from '../../server/store/notifications.js';
import type { NotificationKind } from '../../shared/schemas/notifications.js';
import type { JobQueue } from '../../server/jobs/queue.js';

export const PUBLIC_URL = 'https://community.example.test';
export const POSTAL = 'Agora Inc., 42 Harbour Road, Portsmouth PO1 2AB';
/** Every member's password (tests that delete an account confirm with it). */
export const PASSWORD = 'a fine long password';
/**
 * The e-mail delay: memory moves its clock past it; on Redis it never passes during a test (a busy
 * machine cannot let it run out before the step it must follow), and tests promote the job instead.
 */
const DELAY_S = { memory: 300, redis: 3600, 'redis-cluster': 3600 };

export type Store = 'memory' | 'redis' | 'redis-cluster';
type JobStates = JobQueue & { state(id: string): Promise<string> };

/** A header as a reader sees it: RFC 2047 encoded words (nodemailer's Q and B forms) decoded. */
export function decoded(header: string): string {
  return header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) => enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'));
}
export const subjectOf = (m: ReceivedMail) => decoded(m.headers.get('subject')![0]!);

export const unsubscribeUrlOf = (m: ReceivedMail) => /^<(.+)>$/.exec(m.headers.get('list-unsubscribe')![0]!)![1]!;

export function useNotifyApp(store: Store, more: Record<string, string> = {}) {
  const smtp = new TestSmtpServer();
  const logs = captureLogs('trace');
  const prefix = testPrefix();
  const world = {
    smtp, logs, store, clock: Date.parse('2031-05-06T07:00:00Z'),
    a: undefined as unknown as Running,
    b: undefined as unknown as Running,
    admin: undefined as unknown as Client,
    forumId: '',
    delayMs: DELAY_S[store] * 1000,
  };
  const now = () => world.clock;
  const env = () => ({
    SMTP_URL: smtp.url, PUBLIC_URL, COMPANY_POSTAL_ADDRESS: POSTAL, POST_RATE_PER_MINUTE: '1000',
    NOTIFY_EMAIL_DELAY_SECONDS: String(DELAY_S[store]), JOB_RETRY_DELAY_MS: store === 'memory' ? '1000' : '50', ...more,
  });

  beforeAll(async () => {
    await smtp.start();
    world.a = await startAgora({ store, prefix, env: env(), logger: logs.logger, now: store === 'memory' ? now : undefined });
    world.b = store !== 'memory' ? await startAgora({ store, prefix, env: env(), logger: logs.logger }) : world.a;
    world.admin = await signedIn(world.a.url, world.a.stores.users, 'admin');
    world.forumId = (await world.admin.post('/api/forums', { slug: `n${newId().toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 20), title: 'Notifications', description: '' })).body.forum.id;
  });
  afterAll(async () => {
    for (const r of new Set([world.a, world.b])) await r?.close();
    await smtp.stop();
    await cleanBackend(store, prefix);
  });

  /**
   * A member signed in over HTTP. Verified unless told otherwise, as `npm run user:create` makes
   * them: notification e-mail goes only to confirmed addresses.
   */
  const member = async (role: 'member' | 'moderator' = 'member', { verified = true } = {}) => {
    const username = uniqueName(role.slice(0, 3));
    const user = await createAccount(world.a.stores.users, { username, email: `${username}@example.com`, password: PASSWORD, role, emailVerified: verified });
    const c = new Client(world.a.url);
    expect((await c.login(username, PASSWORD)).status).toBe(200);
    return { c, user };
  };

  /** A thread by `author`, answered with its id and first post. */
  const thread = async (author: Client, title = 'Garden plans', body = 'What shall we plant?') => {
    const res = await author.post(`/api/forums/${world.forumId}/threads`, { title, body });
    expect(res.status).toBe(201);
    return { threadId: res.body.thread.id as string, post: res.body.post as { id: string; html: string } };
  };

  /** A notification about `postId` for `userId`, stored and handed to the delivery of `on`. */
  const notify = async (userId: string, actorId: string, p: { postId: string; threadId: string }, kind: NotificationKind = 'mention', on = world.a): Promise<NotificationRecord> => {
    const n: NotificationRecord = { id: newId(), userId, kind, at: new Date(world.clock).toISOString(), read: false, actorId, ...p };
    expect(await on.stores.notifications.add(n)).toBe(true);
    await on.agora.notificationMail.delivery.scheduled(n);
    return n;
  };

  /** One more process on the same store and mail server; the caller closes it. */
  const startExtra = () => startAgora({ store, prefix, env: env(), logger: logs.logger });

  const queueOf = (on = world.a) => on.agora.notificationMail.queue as unknown as JobStates;

  /**
   * Lets the delay of these jobs pass, after everything the test did before: memory moves its clock
   * past it (every job's); Redis promotes each job (the queue is shared, so from either process).
   */
  const afterDelay = async (...jobIds: string[]) => {
    if (store === 'memory') world.clock += world.delayMs + 1;
    else for (const id of jobIds) await queueOf().promote(id);
  };

  /** Waits until the job with this id has finished (memory: moving the clock along for retries). */
  const settled = (jobId: string, state = 'completed') =>
    eventually(async () => {
      if (store === 'memory') world.clock += 1000;
      expect(await queueOf().state(jobId)).toBe(state);
    }, { what: `job ${jobId} is ${state}` });

  const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));
  /** The first mail to `email`, once it is in (memory: moving the clock along, for retries). */
  const mailTo = (email: string) =>
    eventually(() => {
      if (store === 'memory') world.clock += 1000;
      return mailsTo(email)[0] ?? false;
    }, { what: `a mail reaches ${email}` });

  return { world, member, thread, notify, queueOf, startExtra, afterDelay, settled, mailsTo, mailTo };
}
