import pino from 'pino';
import { outboxPage, linksIn } from '../../../server/mail/dev-page.js';
import { DevOutbox, outboxTransport } from '../../../server/mail/outbox.js';

const quiet = pino({ level: 'silent' });
const message = (n: number, extra: Record<string, unknown> = {}) => ({
  from: 'Agora <no-reply@agora.localhost>', to: { name: `Friend ${n}`, address: `friend${n}@example.org` },
  subject: `Message ${n}`, text: `Hello\r\nhttps://agora.example/r/abc${n}.\r\n`, html: `<p>Hello ${n}</p>`, ...extra,
});

test('the outbox keeps the newest messages only, up to its capacity, with the time of the clock it was given', async () => {
  let now = Date.parse('2030-01-02T03:04:05.000Z');
  const outbox = new DevOutbox(() => now, 3);
  const transport = outboxTransport(outbox, quiet);
  for (let n = 1; n <= 5; n++) {
    expect(await transport.deliver(message(n), `friend${n}@example.org`)).toEqual({ outcome: 'sent' });
    now += 1000;
  }
  expect(outbox.list().map((m) => m.subject)).toEqual(['Message 5', 'Message 4', 'Message 3']);
  const newest = outbox.list()[0]!;
  expect(newest).toMatchObject({ at: '2030-01-02T03:04:09.000Z', to: 'Friend 5 <friend5@example.org>', text: 'Hello\nhttps://agora.example/r/abc5.\n' });
  expect(outbox.get(newest.id)).toBe(newest);
});

test('a message addressed to anyone but its one recipient is refused and not kept', async () => {
  const outbox = new DevOutbox();
  const transport = outboxTransport(outbox, quiet);
  await expect(transport.deliver(message(1), 'someone.else@example.org')).rejects.toThrow(/exactly the one recipient/);
  await expect(transport.deliver(message(1, { cc: 'eve@example.org' }), 'friend1@example.org')).rejects.toThrow(/exactly the one recipient/);
  expect(outbox.list()).toEqual([]);
});

test('the outbox page shows every value as text: markup in a subject, address or body never becomes markup', () => {
  const outbox = new DevOutbox();
  outbox.add({
    from: 'Agora <a@b.c>', to: '"<img src=x onerror=alert(1)>" <x@example.org>', subject: '</h2><script>alert(1)</script>',
    text: 'see <b>this</b> https://agora.example/r/"><script>x</script>', html: '<script>alert(2)</script>',
  });
  const page = outboxPage(outbox.list(), outbox.capacity);
  expect(page).not.toMatch(/<script|<img|<b>/i);
  expect(page).toContain('&lt;/h2&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(page).toContain('&quot;&lt;img src=x onerror=alert(1)&gt;&quot; &lt;x@example.org&gt;');
  // The HTML part is only ever shown in a sandboxed frame of its own, never inline.
  expect(page).toContain(`<iframe sandbox src="/dev/mail/${outbox.list()[0]!.id}/html"`);
  expect(page).not.toContain('alert(2)');
});

test('the links of a message are the web addresses in its text, each once, without trailing punctuation', () => {
  expect(linksIn('Join: https://a.example/r/x1.\nAgain https://a.example/r/x1 and (http://b.example/u/t?q=1), done')).toEqual([
    'https://a.example/r/x1', 'http://b.example/u/t?q=1',
  ]);
  expect(linksIn('no links, javascript:alert(1) or mailto:a@b.c')).toEqual([]);
});

test('an empty outbox says how to fill it', () => {
  expect(outboxPage([], 50)).toContain('No e-mail yet.');
});
