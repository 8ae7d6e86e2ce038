import request from 'supertest';
import { publishedText } from '../../server/search/text.js';
import { MemoryJobQueue } from '../../server/jobs/memory.js';
import { notificationId } from '../../server/notifications/service.js';
import { eventually } from '../helpers/eventually.js';
import { Client } from '../helpers/http.js';
import { VERIFY_SUBJECT } from '../../server/auth/verify-email.js';
import { emailJobId } from '../../server/notifications/mail/index.js';
import { DEFAULT_PREFERENCES, notificationAnswers } from '../../shared/schemas/notifications.js';
import { POSTAL, PUBLIC_URL, subjectOf, unsubscribeUrlOf, useNotifyApp } from './notify-setup.js';

// Notifications made over HTTP (mentions, watched threads) by the notification service, and some
// stored directly (to check what the delivery itself re-reads). A notification is e-mailed once,
// only to a confirmed address, only if it is still unread after NOTIFY_EMAIL_DELAY_SECONDS and its
// member wants that kind, with what readers see of the post read again at sending time; each
// e-mail's one-click opt-out stops its kind. On memory (the clock moved past the delay) and on two
// instances sharing Redis (an hour's delay, never waited for: once the test has done what must come
// before it, the job is promoted and its completion awaited; the e-mail may go from either).

const CARD = '4111 1111 1111 1111';

describe.each(['memory', 'redis'] as const)('notification e-mail on the %s store', (store) => {
  const { world, member, thread, notify, queueOf, afterDelay, settled, mailsTo, mailTo } = useNotifyApp(store);

  test('a mention still unread after the delay is e-mailed once, with the post as readers see it', async () => {
    const author = await member();
    const reader = await member();
    const { threadId } = await thread(author.c, 'Payments for the garden');
    const reply = await author.c.post(`/api/threads/${threadId}/posts`, { body: `@${reader.user.username} pay to ${CARD} <b>please</b>`, acknowledgePii: ['CREDIT_CARD'] });
    expect(reply.status).toBe(201);
    const post = reply.body.post as { id: string; html: string };
    // The notification service makes the notification (a job of its own) and hands it over.
    const n = { id: notificationId(reader.user.id, post.id) };
    await eventually(async () => expect(await queueOf().state(n.id)).not.toBe('unknown'), { what: 'the e-mail job is scheduled' });
    if (world.a.agora.notificationMail.queue instanceof MemoryJobQueue) await world.a.agora.notificationMail.queue.runDue();
    expect(await queueOf().state(n.id)).toMatch(store === 'memory' ? /^waiting$/ : /^delayed$/);
    expect(mailsTo(reader.user.email)).toHaveLength(0);
    await afterDelay(n.id);
    const mail = await mailTo(reader.user.email);
    await settled(n.id);
    expect(mailsTo(reader.user.email)).toHaveLength(1);

    expect(mail.to).toEqual([reader.user.email]);
    expect(subjectOf(mail)).toBe(`${author.user.username} mentioned you in "Payments for the garden"`);
    const shown = publishedText(post.html);
    expect(shown).not.toContain('4111');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(`${PUBLIC_URL}/t/${threadId}#post-${post.id}`);
      expect(part).toContain(POSTAL);
      expect(part).not.toContain('4111');
    }
    expect(mail.text).toContain(`> ${shown}`);
    expect(shown).toContain('please');
    // No markup of the author's travels, and nothing loads from elsewhere.
    expect(mail.html).not.toMatch(/<b>please|<img|src=|url\(/i);
    expect(mail.headers.get('list-unsubscribe')![0]).toMatch(new RegExp(`^<${PUBLIC_URL}/unsubscribe/e/[A-Za-z0-9_.-]+>$`));
    expect(mail.headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
  });

  test('a notification read before the delay is not e-mailed', async () => {
    const author = await member();
    const reader = await member();
    const { threadId } = await thread(author.c);
    const post = (await author.c.post(`/api/threads/${threadId}/posts`, { body: `Over to you, @${reader.user.username}` })).body.post;
    const n = { id: notificationId(reader.user.id, post.id) };
    await eventually(async () => expect(await queueOf().state(n.id)).not.toBe('unknown'), { what: 'the e-mail job is scheduled' });
    expect((await reader.c.post('/api/notifications/read', { ids: [n.id] })).body).toEqual({ unreadCount: 0 });
    await afterDelay(n.id);
    await settled(n.id);
    expect(mailsTo(reader.user.email)).toHaveLength(0);
  });

  test('a kind the member does not want is not e-mailed: mentions when switched off, watched threads by default', async () => {
    const author = await member();
    const reader = await member();
    const { threadId } = await thread(author.c);
    expect((await reader.c.agent.put(`/api/threads/${threadId}/subscription`).set('X-CSRF-Token', await reader.c.token()).send({ level: 'watching' })).status).toBe(200);
    expect((await reader.c.patch('/api/me/preferences', { emailOnMention: false })).body.preferences.emailOnMention).toBe(false);
    /** A reply by the author; answers the reader's notification id once the notification exists. */
    const replyAs = async (body: string) => {
      const post = (await author.c.post(`/api/threads/${threadId}/posts`, { body })).body.post;
      const id = notificationId(reader.user.id, post.id);
      await eventually(async () => expect(await world.a.stores.notifications.get(id)).not.toBeNull(), { what: 'the notification is made' });
      return id;
    };
    const mention = await replyAs(`@${reader.user.username} look`);
    const watched = await replyAs('A reply in a watched thread');
    expect((await reader.c.patch('/api/me/preferences', { emailOnWatched: true })).status).toBe(200);
    const wanted = await replyAs('Another reply in a watched thread');
    await eventually(async () => expect(await queueOf().state(wanted)).not.toBe('unknown'), { what: 'the e-mail job is scheduled' });
    await afterDelay(wanted);
    await settled(wanted);
    // Wanted when it was handed over, switched off before the delay: the sending time decides.
    const changedMind = await notify(reader.user.id, author.user.id, { postId: (await world.a.stores.notifications.get(wanted))!.postId, threadId }, 'watched');
    expect((await reader.c.patch('/api/me/preferences', { emailOnWatched: false })).status).toBe(200);
    await afterDelay(changedMind.id);
    await settled(changedMind.id);
    expect(mailsTo(reader.user.email).map(subjectOf)).toEqual([`${author.user.username} replied in "Garden plans"`]);
    // Unwanted kinds never had a job, or had one that sent nothing.
    for (const id of [mention, watched]) expect(await queueOf().state(id)).toMatch(/^(unknown|completed)$/);
  });

  test('an unverified address gets the notification here but no e-mail, never later either; once confirmed, the next one is e-mailed', async () => {
    const author = await member();
    const reader = await member('member', { verified: false });
    expect((await reader.c.get('/api/me/preferences')).body.preferences.emailOnMention).toBe(true);
    const { threadId } = await thread(author.c);
    /** A mention of the reader by the author, once its e-mail job is scheduled. */
    const mention = async (body: string) => {
      const post = (await author.c.post(`/api/threads/${threadId}/posts`, { body: `@${reader.user.username} ${body}` })).body.post as { id: string };
      const id = notificationId(reader.user.id, post.id);
      await eventually(async () => expect(await queueOf().state(id)).not.toBe('unknown'), { what: 'the e-mail job is scheduled' });
      return { id, postId: post.id };
    };
    const listMail = () => mailsTo(reader.user.email).filter((m) => subjectOf(m) !== VERIFY_SUBJECT);

    const first = await mention('have a look');
    const inApp = notificationAnswers.page.parse((await reader.c.get('/api/notifications')).body);
    expect([inApp.unreadCount, inApp.items.map((n) => n.id)]).toEqual([1, [first.id]]);
    await afterDelay(first.id);
    await settled(first.id);
    expect(listMail()).toHaveLength(0);
    // Skipped like an unwanted kind: no retry was ever added.
    expect(await queueOf().state(emailJobId(first.id, 2))).toBe('unknown');

    expect((await reader.c.post('/api/auth/verify-email/resend')).status).toBe(202);
    const link = await eventually(() => mailsTo(reader.user.email).find((m) => subjectOf(m) === VERIFY_SUBJECT) ?? false, { what: 'the verification link arrives' });
    const token = /\/verify\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/.exec(link.text)![1]!;
    const verified = await new Client(world.b.url).post('/api/auth/verify-email', { token });
    expect([verified.status, verified.body.user?.emailVerified]).toEqual([200, true]);

    const second = await mention('and this one');
    await afterDelay(second.id);
    await settled(second.id);
    const mails = listMail();
    expect(mails.map(subjectOf)).toEqual([`${author.user.username} mentioned you in "Garden plans"`]);
    expect(mails[0]!.text).toContain(`#post-${second.postId}`);
  });

  test('a post removed or purged before the delay is not e-mailed, nor is a thread removed since', async () => {
    const moderator = await member('moderator');
    const author = await member();
    const reader = await member();
    const { threadId, post } = await thread(author.c, 'To be moderated');
    const removed = await notify(reader.user.id, author.user.id, { postId: post.id, threadId });
    const second = (await author.c.post(`/api/threads/${threadId}/posts`, { body: 'Purge me' })).body.post;
    const purged = await notify(reader.user.id, author.user.id, { postId: second.id, threadId });
    const other = await thread(author.c, 'Removed whole');
    const inRemovedThread = await notify(reader.user.id, author.user.id, { postId: other.post.id, threadId: other.threadId });
    // Staff see removed posts, but a removed post is e-mailed to nobody.
    const staffCopy = await notify(moderator.user.id, author.user.id, { postId: post.id, threadId });
    // And one made by the service from a mention, withdrawn by the removal.
    const mentioned = (await author.c.post(`/api/threads/${threadId}/posts`, { body: `@${reader.user.username} see this` })).body.post;
    const viaService = notificationId(reader.user.id, mentioned.id);
    await eventually(async () => expect(await queueOf().state(viaService)).not.toBe('unknown'), { what: 'the e-mail job is scheduled' });
    expect((await moderator.c.post(`/api/posts/${mentioned.id}/remove`, { reason: 'spam' })).status).toBe(200);
    expect((await moderator.c.post(`/api/posts/${post.id}/remove`, { reason: 'spam' })).status).toBe(200);
    expect((await moderator.c.post(`/api/posts/${second.id}/purge`, { reason: 'doxxing' })).status).toBe(204);
    expect((await moderator.c.post(`/api/threads/${other.threadId}/remove`, { reason: 'off topic' })).status).toBe(200);
    // Only now, every removal done, do the jobs come due; each is awaited to its end before looking.
    const jobs = [removed.id, purged.id, inRemovedThread.id, staffCopy.id, viaService];
    await afterDelay(...jobs);
    for (const id of jobs) await settled(id);
    expect(mailsTo(reader.user.email)).toHaveLength(0);
    expect(mailsTo(moderator.user.email)).toHaveLength(0);
  });

  test('the one-click POST, with no cookie and no CSRF token, stops that kind at once; a forged link changes nothing', async () => {
    const author = await member();
    const reader = await member();
    expect((await reader.c.patch('/api/me/preferences', { emailOnWatched: true })).status).toBe(200);
    const { threadId, post } = await thread(author.c);
    const n = await notify(reader.user.id, author.user.id, { postId: post.id, threadId });
    await afterDelay(n.id);
    const url = new URL(unsubscribeUrlOf(await mailTo(reader.user.email)));

    const forged = url.pathname.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await request(world.b.url).post(forged).type('form').send('List-Unsubscribe=One-Click')).status).toBe(404);
    expect((await request(world.b.url).get(forged)).status).toBe(404);
    expect((await reader.c.get('/api/me/preferences')).body.preferences.emailOnMention).toBe(true);

    const page = await request(world.b.url).get(url.pathname);
    expect([page.status, page.headers['referrer-policy'], page.headers['x-robots-tag']]).toEqual([200, 'no-referrer', 'noindex']);
    expect(page.text).toMatch(/<form method="post"[^>]*><button type="submit">Stop e-mail when someone mentions you<\/button>/);
    // Opening the page switches nothing off: only the POST does.
    expect((await reader.c.get('/api/me/preferences')).body.preferences.emailOnMention).toBe(true);

    const oneClick = await request(world.b.url).post(url.pathname).type('form').send('List-Unsubscribe=One-Click');
    expect([oneClick.status, oneClick.body]).toEqual([200, { status: 'unsubscribed' }]);
    const prefs = notificationAnswers.preferences.parse((await reader.c.get('/api/me/preferences')).body).preferences;
    expect(prefs).toEqual({ ...DEFAULT_PREFERENCES, emailOnMention: false, emailOnWatched: true });

    // The token is a credential for this one switch: never in a log line.
    expect(world.logs.text()).not.toContain(url.pathname.split('/').pop()!);
    await settled(n.id);
    const again = await notify(reader.user.id, author.user.id, { postId: post.id, threadId });
    await afterDelay(again.id);
    await settled(again.id);
    expect(mailsTo(reader.user.email)).toHaveLength(1);
  });

  test("deleting the account cancels the member's pending e-mail", async () => {
    const author = await member();
    const reader = await member();
    const { threadId, post } = await thread(author.c);
    const n = await notify(reader.user.id, author.user.id, { postId: post.id, threadId });
    expect(await queueOf().state(n.id)).not.toBe('unknown');
    expect((await reader.c.del('/api/me', { password: 'a fine long password', posts: 'remove' })).status).toBe(204);
    expect(await queueOf().state(n.id)).toBe('unknown');
    expect(await world.a.stores.notifications.get(n.id)).toBeNull();
    // Both jobs come due (the cancelled one is gone, so nothing of it can), and the later one runs.
    const later = await notify(author.user.id, author.user.id, { postId: post.id, threadId });
    await afterDelay(n.id, later.id);
    await settled(later.id);
    expect(await queueOf().state(n.id)).toBe('unknown');
    expect(mailsTo(reader.user.email)).toHaveLength(0);
  });
});
