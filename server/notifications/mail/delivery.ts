// E-mail for notifications and digests (issue 19), as jobs: a notification is e-mailed once, after
// NOTIFY_EMAIL_DELAY_SECONDS, only if it is still unread and wanted then, with everything read again
// at that time; a digest goes to each member who asked for one, once per period. Both go only to an
// address its owner has confirmed (`emailVerified`, read at sending time): anyone may type someone
// else's address, and that stranger must not get forum mail. Mail skipped for that is not sent
// later; the verification, reset and notice e-mails and invites are not list mail and are not held.
//
// Never duplicated, as far as SMTP allows (the reasoning of referral invites, server/mail/smtp.ts):
// the right to send is claimed before the send (`claimEmail`, once per notification, whichever
// process or attempt asks), so two processes, a retried job or a job run again after a crash can
// never both send. The cost is on the safe side: a process that dies between the claim and the
// server's answer leaves that notification un-mailed. How a send ended decides what follows:
// `sent`, nothing more; `unknown` (the data was handed over, no answer came: the server may have
// the message), never again; `failed` (refused with 4xx/5xx, or cut off before the end of the data,
// so nothing can have been accepted), sent again later with backoff. The claim cannot be given back,
// so the holder passes it on: the failed attempt adds the next one as a job of its own (id
// `<notification>~<attempt>`, de-duplicated like any job), which sends without claiming again but
// still re-reads everything. Digests claim with a one-point limiter per member and period, which a
// definite failure gives back before the job is retried.
import type { Logger } from 'pino';
import { can, judgedBy } from '../../auth/policy.js';
import type { MailTransport } from '../../mail/transport.js';
import type { MailSender } from '../../mail/template.js';
import type { JobData, JobQueue } from '../../jobs/queue.js';
import { backoffAfter, DEFAULT_RETRY, type RetryOptions } from '../../jobs/options.js';
import type { ForumStore } from '../../store/forum.js';
import type { NotificationRecord, NotificationStore } from '../../store/notifications.js';
import type { UserStore } from '../../store/users.js';
import type { Limiter } from '../../store/rate-limit.js';
import { publishedText } from '../../search/text.js';
import type { NotificationDelivery } from '../delivery.js';
import { digestMessage, notificationMessage } from './content.js';
import { decodeRanking, DIGEST_PERIODS, encodeRanking, isPublicThread, nextBoundary, PERIOD_MS, rankThreads, SHOWN, type DigestPeriod } from './digest.js';
import { kindOf, type UnsubscribeKind, type UnsubscribeTokens } from './unsubscribe-token.js';

export const JOB = { email: 'notify-email', digest: 'digest-period', digestMember: 'digest-member' } as const;

export interface MailDeliveryDeps {
  queue: JobQueue;
  notifications: Pick<NotificationStore, 'list' | 'get' | 'preferences' | 'claimEmail' | 'digestMembers'>;
  users: Pick<UserStore, 'get'>;
  forum: Pick<ForumStore, 'getPost' | 'getThread' | 'getThreads' | 'listForums' | 'listThreads' | 'listPosts'>;
  mail: MailTransport;
  logger: Logger;
  sender: MailSender;
  publicUrl: string;
  tokens: UnsubscribeTokens;
  /** NOTIFY_EMAIL_DELAY_SECONDS, in ms. */
  delayMs: number;
  /** One point per member and period: the digest's claim. */
  digestClaims: Limiter;
  now: () => number;
  retry?: RetryOptions;
}

/** The id of the job for a notification's `attempt`th send (the first is the notification's id). */
export const emailJobId = (id: string, attempt: number): string => (attempt === 1 ? id : `${id}~${attempt}`);

export class MailDelivery implements NotificationDelivery {
  private readonly retry: RetryOptions;

  constructor(private readonly deps: MailDeliveryDeps) {
    this.retry = deps.retry ?? DEFAULT_RETRY;
    deps.queue.handle(JOB.email, (d) => this.email(String(d.id), Number(d.attempt ?? 1)));
    deps.queue.handle(JOB.digest, (d) => this.digest(d.period as DigestPeriod, Number(d.end)));
    deps.queue.handle(JOB.digestMember, (d) => this.digestFor(d));
  }

  async scheduled(n: NotificationRecord): Promise<void> {
    await this.deps.queue.add(JOB.email, { id: n.id, attempt: 1 }, { id: n.id, delayMs: this.deps.delayMs });
  }

  /**
   * Cancels the member's pending e-mail. The pending jobs are those of the member's unread
   * notifications (a job's id is its notification's), so the notification store is the index;
   * a job that slips through finds the account gone and sends nothing.
   */
  async forgetUser(userId: string): Promise<void> {
    let after: Awaited<ReturnType<NotificationStore['list']>>['next'] = null;
    do {
      const page = await this.deps.notifications.list(userId, { unreadOnly: true, after, limit: 100 });
      const ids = page.items.flatMap((n) => Array.from({ length: this.retry.attempts }, (_, i) => emailJobId(n.id, i + 1)));
      await Promise.all(ids.map((id) => this.deps.queue.cancel(id)));
      after = page.next;
    } while (after);
  }

  async start(): Promise<void> {
    await this.deps.queue.start();
    for (const period of DIGEST_PERIODS) await this.scheduleDigest(period);
  }

  close(): Promise<void> {
    return this.deps.queue.close();
  }

  private url(path: string): string {
    return `${this.deps.publicUrl}${path}`;
  }

  private unsubscribeUrl(userId: string, kind: UnsubscribeKind): string {
    return this.url(`/unsubscribe/e/${this.deps.tokens.tokenFor(userId, kind)}`);
  }

  /** One notification's e-mail, `attempt` of it: every check made again now. */
  private async email(id: string, attempt: number): Promise<void> {
    const { notifications, users, forum } = this.deps;
    const n = await notifications.get(id);
    if (!n || n.read) return;
    const prefs = await notifications.preferences(n.userId);
    if (!(n.kind === 'mention' ? prefs.emailOnMention : prefs.emailOnWatched)) return;
    const account = await users.get(n.userId);
    if (!account?.emailVerified) return;
    const member = judgedBy(account, this.deps.now);
    const post = await forum.getPost(n.postId);
    const thread = post && (await forum.getThread(post.threadId));
    // What the member may find (never purged, removed only for staff, held only for its author and
    // staff), and then only what every reader sees: a removed or held post is not e-mailed to anyone.
    if (!post || !thread || !can(member, 'post:find', { post, thread }) || post.status !== 'visible' || !isPublicThread(thread)) return;
    const actor = await users.get(n.actorId);
    if (attempt === 1 && !(await notifications.claimEmail(id))) return;
    const outcome = await this.deps.mail.deliver(notificationMessage({
      sender: this.deps.sender,
      to: member.email,
      kind: n.kind,
      actorName: actor?.username ?? 'A former member',
      threadTitle: thread.title,
      postText: publishedText(post.html),
      postUrl: this.url(`/t/${encodeURIComponent(thread.id)}#post-${encodeURIComponent(post.id)}`),
      unsubscribeUrl: this.unsubscribeUrl(member.id, kindOf(n.kind)),
      preferencesUrl: this.url('/account'),
    }), member.email);
    this.logOutcome('notification', attempt, outcome);
    if (outcome.outcome !== 'failed') return;
    if (attempt >= this.retry.attempts) return;
    const next = attempt + 1;
    await this.deps.queue.add(JOB.email, { id, attempt: next }, { id: emailJobId(id, next), delayMs: backoffAfter(this.retry, attempt) });
  }

  private logOutcome(what: string, attempt: number, outcome: Awaited<ReturnType<MailTransport['deliver']>>): void {
    // The outcome and nodemailer's codes only: never the address, the reply text or the content.
    const level = outcome.outcome === 'sent' ? 'info' : 'warn';
    const final = outcome.outcome === 'failed' && attempt >= this.retry.attempts;
    this.deps.logger[level]({ mail: what, attempt, ...outcome, ...(final ? { givenUp: true } : {}) }, 'notification mail handled');
  }

  /** The next period's job; every process adds it and its id keeps it one. */
  private async scheduleDigest(period: DigestPeriod): Promise<void> {
    const now = this.deps.now();
    const end = nextBoundary(period, now);
    await this.deps.queue.add(JOB.digest, { period, end }, { id: `digest-${period}-${end}`, delayMs: end - now });
  }

  /** The period ending at `end`: the next one is scheduled first, then one job per member. */
  private async digest(period: DigestPeriod, end: number): Promise<void> {
    await this.scheduleDigest(period);
    // A period whose job ran late by more than a period (every process was down) is skipped: a
    // digest is news, and the next one is already scheduled.
    if (this.deps.now() - end > PERIOD_MS[period]) return;
    const members = await this.deps.notifications.digestMembers(period);
    if (members.length === 0) return;
    const ranking = encodeRanking(await rankThreads(this.deps.forum, period, end));
    if (!ranking) return;
    for (const userId of members) {
      await this.deps.queue.add(JOB.digestMember, { period, end, userId, ranking }, { id: `digest-${period}-${end}-${userId}` });
    }
  }

  /** One member's digest: the ranked threads they may see, if any, once. */
  private async digestFor(d: JobData): Promise<void> {
    const period = d.period as DigestPeriod;
    const userId = String(d.userId);
    const { notifications, users, forum } = this.deps;
    if ((await notifications.preferences(userId)).digest !== period) return;
    const account = await users.get(userId);
    if (!account?.emailVerified) return;
    const member = judgedBy(account, this.deps.now);
    const ranking = decodeRanking(String(d.ranking));
    const threads = await forum.getThreads(ranking.map((r) => r.threadId));
    const shown = ranking
      .map((r) => ({ r, t: threads.get(r.threadId) }))
      .filter((x) => x.t && isPublicThread(x.t) && can(member, 'thread:read', x.t))
      .slice(0, SHOWN)
      .map(({ r, t }) => ({ title: t!.title, posts: r.posts, url: this.url(`/t/${encodeURIComponent(t!.id)}`) }));
    if (shown.length === 0) return;
    const claim = await this.deps.digestClaims.consume(`${userId}:${period}:${String(d.end)}`);
    if (!claim.allowed) return;
    let outcome: Awaited<ReturnType<MailTransport['deliver']>>;
    try {
      outcome = await this.deps.mail.deliver(digestMessage({
        sender: this.deps.sender, to: member.email, period, threads: shown,
        unsubscribeUrl: this.unsubscribeUrl(userId, 'digest'), preferencesUrl: this.url('/account'),
      }), member.email);
    } catch (err) {
      await claim.refund();
      throw err;
    }
    this.logOutcome('digest', 0, outcome);
    if (outcome.outcome === 'failed') {
      // Nothing reached the server: give the claim back and let the queue try again with backoff.
      await claim.refund();
      throw Object.assign(new Error('digest mail refused'), { code: outcome.code, responseCode: outcome.responseCode });
    }
  }
}
