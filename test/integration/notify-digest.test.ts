import request from 'supertest';
import { eventually } from '../helpers/eventually.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import { PUBLIC_URL, subjectOf, unsubscribeUrlOf, useNotifyApp } from './notify-setup.js';

// Digests (issue 19): members who asked for a daily or weekly digest get, once per period, the
// period's most active threads they may see; periods end at midnight UTC (weekly: Sunday to
// Monday). On memory, with the clock moved across the boundaries instead of waiting for them.

const at = (iso: string) => Date.parse(iso);

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
});
