import { action, html, listMail, renderMail, transactionalMail } from '../../../server/mail/template.js';
import { compose } from '../../../server/mail/transport.js';

// Every e-mail shares one layout: both parts, the postal address, nothing fetched from elsewhere.

const sender = { from: 'Agora <no-reply@agora.example>', postalAddress: 'Agora Inc., 42 Harbour Road, Portsmouth' };
const content = {
  subject: 'A subject',
  text: ['Hello <b>you</b>,', 'https://agora.example/page'],
  html: html`<p>Hello ${'<b>you</b>'},</p><p>${action('https://agora.example/page', 'Open it')}</p>`,
};

test('both parts carry the body and the company postal address, and values in the HTML part are escaped', () => {
  const { text, html: body } = renderMail(sender, content);
  expect(text).toBe('Hello <b>you</b>,\r\nhttps://agora.example/page\r\n\r\n-- \r\nAgora\r\nAgora Inc., 42 Harbour Road, Portsmouth\r\n');
  expect(body).toContain('<p>Hello &lt;b&gt;you&lt;/b&gt;,</p>');
  expect(body).toContain('<a href="https://agora.example/page">Open it</a>');
  expect(body).toContain('Agora Inc., 42 Harbour Road, Portsmouth');
  expect(body).toContain('<title>A subject</title>');
});

test('a body that would load an image, frame or stylesheet from elsewhere is refused', () => {
  for (const bad of [html`<img src="https://t.example/p.gif">`, html`<p style="background: url(https://t.example/x)">x</p>`, html`<table background="https://t.example/x"></table>`]) {
    expect(() => renderMail(sender, { ...content, html: bad })).toThrow(/elsewhere/);
  }
  // Text that only looks like it, escaped inside a paragraph, is fine.
  expect(() => renderMail(sender, { ...content, html: html`<p>${'<img src=x> url(y) src=z'}</p>` })).not.toThrow();
});

test('a link that is not http(s) cannot be made', () => {
  expect(() => action('javascript:alert(1)', 'x')).toThrow();
});

test('a transactional mail carries no List-Unsubscribe header; a list mail carries the one-click pair', async () => {
  const reset = await compose(transactionalMail(sender, { to: 'member@example.org' }, content), 'member@example.org');
  const head = reset.raw.toString('utf8').split('\r\n\r\n')[0]!;
  expect(head).not.toMatch(/^list-/im);
  expect(head).toMatch(/^Content-Type: multipart\/alternative/m);

  const invite = await compose(listMail(sender, { to: 'friend@example.org', unsubscribeUrl: 'https://agora.example/unsubscribe/abc' }, content), 'friend@example.org');
  const inviteHead = invite.raw.toString('utf8').split('\r\n\r\n')[0]!;
  expect(inviteHead).toContain('List-Unsubscribe: <https://agora.example/unsubscribe/abc>');
  expect(inviteHead).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
});
