import request from 'supertest';
import { eventually } from '../helpers/eventually.js';
import { VERIFY_SUBJECT } from '../../server/auth/verify-email.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import { PUBLIC_URL, subjectOf, unsubscribeUrlOf, useNotifyApp } from './notify-setup.js';

// Digests (issue 19): members who asked for a daily or weekly digest get, once per period, the
// period's most active threads they may see, if their address is confirmed; periods end at
// midnight UTC (weekly: Sunday to Monday). On memory, with the clock moved across the boundaries
// instead of waiting for them.

const at = (iso: string) => Date.parse(iso);
const DAY = 24 * 3600_000;

describe('digests on the memory store', () => {
  const { world, member, thread, settled } = useNotifyApp('memory');
  const digestsTo = (email: string, period: 'daily' | 'weekly') =>
    world.smtp.messages.filter((m) => m.to.includes(email) && subjectOf(m) === `Your ${period} Agora digest`);
  const nthDigest = (email: string, period: 'daily' | 'weekly', n: number): Promise<ReceivedMail> =>
    eventually(() => digestsTo(email, period)[n - 1] ?? false, { what: `${period} digest ${n} reaches ${email}` });
  /** The thread lines of a digest's text part, in order. */
  const listed = (m: ReceivedMail) => m.text.split('\r\n').filter((l) => l.startsWith('- '));

  test('daily and weekly digests list the period\'s most active threads each member may see, once per period', async () => {
    // Tuesday 2031-05-06, 07:00 UTC: the first daily period ends at midnight, the weekly one on Monday the 12th.
    expect(world.clock).toBe(at('2031-05-06T07:00:00Z'));
    const author = await member();
    const moderator = await member('moderator');
    const daily = await member();
    const weekly = await member();
    const none = await member();
    expect((await daily.c.patch('/api/me/preferences', { digest: 'daily' })).status).toBe(200);
    expect((await weekly.c.patch('/api/me/preferences', { digest: 'weekly' })).status).toBe(200);

    const old = await thread(author.c, 'Monday seedlings', 'Started on Tuesday');
    world.clock = at('2031-05-07T00:00:01Z');
    const first = await nthDigest(daily.user.email, 'daily', 1);
    expect(listed(first)).toEqual(['- Monday seedlings (1 new post)']);
    expect(first.text).toContain(`${PUBLIC_URL}/t/${old.threadId}`);

    world.clock = at('2031-05-07T09:00:00Z');
    const busy = await thread(author.c, 'Compost questions');
    for (const body of ['Turn it weekly', 'Keep it damp']) expect((await author.c.post(`/api/threads/${busy.threadId}/posts`, { body })).status).toBe(201);
    const quiet = await thread(author.c, 'Quiet corner');
    const removed = await thread(author.c, 'Removed rant');
    for (const body of ['More', 'And more', 'Still more']) await author.c.post(`/api/threads/${removed.threadId}/posts`, { body });
    expect((await moderator.c.post(`/api/threads/${removed.threadId}/remove`, { reason: 'off topic' })).status).toBe(200);

    world.clock = at('2031-05-08T00:00:01Z');
    const second = await nthDigest(daily.user.email, 'daily', 2);
    // Busiest first; the removed thread, busier still, is in no digest; the old one was yesterday's.
    expect(listed(second)).toEqual(['- Compost questions (3 new posts)', '- Quiet corner (1 new post)']);
    for (const part of [second.text, second.html]) {
      expect(part).toContain(`${PUBLIC_URL}/t/${busy.threadId}`);
      expect(part).toContain(`${PUBLIC_URL}/t/${quiet.threadId}`);
      expect(part).not.toContain('Removed rant');
    }
    expect(second.html).not.toMatch(/<img|src=/i);
    expect(second.headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);

    // Days pass with every process down: the missed daily periods are skipped, not sent late.
    world.clock = at('2031-05-12T00:00:01Z');
    const week = await nthDigest(weekly.user.email, 'weekly', 1);
    expect(listed(week)).toEqual(['- Compost questions (3 new posts)', '- Quiet corner (1 new post)', '- Monday seedlings (1 new post)']);

    // The next day's digest job has run, with nothing new to tell: nothing else was sent meanwhile.
    world.clock = at('2031-05-13T00:00:01Z');
    await settled(`digest-daily-${at('2031-05-13T00:00:00Z')}`);
    expect(digestsTo(daily.user.email, 'daily')).toHaveLength(2);
    expect(digestsTo(weekly.user.email, 'weekly')).toHaveLength(1);
    expect(world.smtp.messages.filter((m) => m.to.includes(none.user.email))).toHaveLength(0);

    // The digest's one-click link switches digests off for that member only.
    const url = new URL(unsubscribeUrlOf(week));
    expect((await request(world.a.url).post(url.pathname).type('form').send('List-Unsubscribe=One-Click')).status).toBe(200);
    expect((await weekly.c.get('/api/me/preferences')).body.preferences.digest).toBe('off');
    expect((await daily.c.get('/api/me/preferences')).body.preferences.digest).toBe('daily');
  });

  test('an unverified address gets no digest, not even late; once confirmed, the next period\'s comes', async () => {
    const author = await member();
    const control = await member();
    const reader = await member('member', { verified: false });
    for (const m of [control, reader]) expect((await m.c.patch('/api/me/preferences', { digest: 'daily' })).status).toBe(200);
    /** Posts a thread, then moves the clock past the end of its day and awaits that day's digests. */
    const dayWith = async (title: string) => {
      await thread(author.c, title);
      const end = Math.floor(world.clock / DAY) * DAY + DAY;
      world.clock = end + 1000;
      await settled(`digest-daily-${end}`);
      for (const m of [control, reader]) await settled(`digest-daily-${end}-${m.user.id}`);
    };
    await dayWith('Unconfirmed day');
    // The day had news (the verified member got it), and none of it went to the unconfirmed address.
    expect(listed(digestsTo(control.user.email, 'daily')[0]!)).toEqual(['- Unconfirmed day (1 new post)']);
    expect(digestsTo(reader.user.email, 'daily')).toHaveLength(0);

    expect((await reader.c.post('/api/auth/verify-email/resend')).status).toBe(202);
    const link = await eventually(() => world.smtp.messages.find((m) => m.to.includes(reader.user.email) && subjectOf(m) === VERIFY_SUBJECT) ?? false,
      { what: 'the verification link arrives' });
    const verified = await reader.c.post('/api/auth/verify-email', { token: /\/verify\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/.exec(link.text)![1]! });
    expect([verified.status, verified.body.user?.emailVerified]).toEqual([200, true]);

    await dayWith('Confirmed day');
    expect(digestsTo(reader.user.email, 'daily').map(listed)).toEqual([['- Confirmed day (1 new post)']]);
  });
});
