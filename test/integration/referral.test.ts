// A referral on Redis, as the friend receives it: one message, from the company, with the opt-out
// headers and links, once per token however often it is submitted, to the one friend whatever the
// name and address hold, and never again after they opt out. The failures of the mail server and of
// Redis are in referral-failures.test.ts.
import request from 'supertest';
import { canary, friend, HEADER_NAMES, letters, optOutUrlOf, POSTAL, PUBLIC_URL, useReferralApp } from './referral-setup.js';

const app = useReferralApp();
const { smtp, keep, member, postOn, formToken, refer } = app;

test('a referral sends exactly one message to the one friend, from the company, with the opt-out headers and the links', async () => {
  const c = await member();
  const res = await refer(c, await formToken(c));
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ status: 'accepted' });

  expect(smtp.messages).toHaveLength(1);
  const m = smtp.messages[0]!;
  expect(m.from).toBe('invites@agora.example.com');
  expect(m.to).toEqual([friend.address]);
  expect([...m.headers.keys()].sort()).toEqual(HEADER_NAMES);
  expect(m.headers.get('from')).toEqual(['Agora Community <invites@agora.example.com>']);
  expect(m.headers.get('to')).toEqual([`${friend.name} <${friend.address}>`]);
  expect(m.headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
  expect(m.headers.get('message-id')).toEqual([expect.stringMatching(/^<[A-Za-z0-9_-]{32}@agora\.example\.com>$/)]);
  const optOut = optOutUrlOf(m);
  expect(optOut).toMatch(new RegExp(`^${PUBLIC_URL}/unsubscribe/[A-Za-z0-9_-]{43}$`));
  const join = `${PUBLIC_URL}/r/${c.user!.referralCode}`;
  for (const part of [m.text, m.html]) {
    expect(part).toContain(`Hello ${friend.name},`);
    expect(part).toContain(c.user!.username);
    expect(part).toContain(join);
    expect(part).toContain(optOut);
    expect(part).toContain(POSTAL);
    expect(part).toMatch(/Why you got this email/);
  }
});

test('the same token submitted twice sends one message, and both answers are the same 202', async () => {
  const c = await member();
  const token = await formToken(c);
  const first = await refer(c, token);
  const second = await refer(c, token);
  expect([first.status, second.status]).toEqual([202, 202]);
  expect(second.body).toEqual(first.body);
  expect(smtp.messages).toHaveLength(1);
});

test('the same token submitted 20 times at once across two app instances sends exactly one message', async () => {
  const c = await member();
  const token = await formToken(c);
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => refer(c, token, friend, i % 2 ? app.b : app.a)));
  expect(answers.map((r) => r.status)).toEqual(Array(20).fill(202));
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.seen.rcpt).toBe(1);
});

test('header-injection attempts in the name and the address are refused, or reach exactly the one friend with no extra header', async () => {
  const c = await member();
  const evil = 'attacker@evil.example';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const refused: [string, string][] = [
    ['friendName', `${friend.name}\r\nBcc: ${evil}`],
    ['friendName', `${friend.name}\nBcc: ${evil}`],
    ['friendName', `${friend.name}\u2028Bcc: ${evil}`],
    ['friendName', `${friend.name} <${evil}>`],
    ['friendName', `=?utf-8?B?${b64(`${friend.name}\r\nBcc: ${evil}`)}?=`],
    ['friendName', `=?utf-8?Q?${canary.first}=0D=0ABcc:=20${evil}?=`],
    ['friendEmail', `${friend.address}\r\nBcc: ${evil}`],
    ['friendEmail', `${friend.address}\u2029${evil}`],
    ['friendEmail', `${friend.address}, ${evil}`],
    ['friendEmail', `${friend.address},${evil}`],
    ['friendEmail', `${friend.address};${evil}`],
    ['friendEmail', `"${friend.name}" <${friend.address}>`],
    ['friendEmail', `<${friend.address}>`],
    ['friendEmail', `${friend.address}%0D%0ABcc:${evil}`],
    ['friendEmail', `${canary.local}%evil.example@${canary.domain}`],
    ['friendEmail', `=?utf-8?Q?${canary.local}?=@${canary.domain}`],
    ['friendEmail', `${evil}\u0000${friend.address}`],
  ];
  for (const [field, value] of refused) {
    const body = { token: await formToken(c), friendName: friend.name, friendEmail: friend.address, [field]: value };
    const res = await postOn(app.a, c, '/api/referrals', body);
    expect([field, res.status, res.body.error?.details]).toEqual([field, 400, { field, fields: { [field]: expect.any(String) } }]);
    expect(res.text).not.toMatch(/attacker|evil|bcc/i);
  }
  expect(smtp.seen.rcpt).toBe(0);

  const delivered = [
    { name: `${canary.last}, ${canary.first}`, address: friend.address },
    { name: `  ${friend.name}  `, address: `  ${friend.address}  ` },
    { name: friend.name, address: `${canary.local}@${canary.domain.toUpperCase()}` },
  ];
  for (const to of delivered) expect((await refer(c, await formToken(c), to)).status).toBe(202);
  expect(smtp.seen.rcpt).toBe(delivered.length);
  for (const m of smtp.messages) {
    expect(m.to).toEqual([friend.address]);
    expect([...m.headers.keys()].sort()).toEqual(HEADER_NAMES);
    expect(m.headers.get('to')).toHaveLength(1);
    expect(m.raw).not.toMatch(/attacker|evil\.example|^bcc:/im);
  }
  expect(smtp.messages[0]!.headers.get('to')).toEqual([`"${canary.last}, ${canary.first}" <${friend.address}>`]);
});

test('after the friend opts out through the link, a new referral to that address delivers nothing and still answers 202', async () => {
  const c = await member();
  const sent = await refer(c, await formToken(c));
  expect(smtp.messages).toHaveLength(1);
  // The mail provider's RFC 8058 one-click POST: no session, no CSRF token.
  const link = new URL(optOutUrlOf(smtp.messages[0]!));
  const optOut = keep(await request(app.a.url).post(link.pathname).type('form').send('List-Unsubscribe=One-Click'));
  expect(optOut.status).toBe(200);

  const again = await member(app.b);
  const suppressed = await refer(again, await formToken(again, app.b), { name: friend.name, address: friend.address.toUpperCase() }, app.b);
  expect(suppressed.status).toBe(202);
  expect(suppressed.body).toEqual(sent.body);
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.seen.rcpt).toBe(1);
  // Others still get their invite.
  expect((await refer(again, await formToken(again, app.b), { name: friend.name, address: `other.${letters(8)}@example.org` }, app.b)).status).toBe(202);
  expect(smtp.messages).toHaveLength(2);
});

test('the canary sweep: no Redis key or value, log line or response body holds the friend\'s name or address in any case', () => app.canarySweep());
