import type { MailComposerOptions } from 'nodemailer/lib/mail-composer';
import { escapeHtml } from '../content/escape-html.js';

/*
 * The one layout every e-mail Agora sends is built with: a plain-text part and an HTML part saying
 * the same, the company's postal address in the footer of both, and nothing that calls home: no
 * image, font or stylesheet from anywhere (inline styles only), no tracking pixel, and links that go
 * straight to their page (no redirect that counts clicks). Each kind of mail (the referral invite,
 * the password reset, …) supplies only its subject, its body and, for mail sent to a list, the
 * opt-out link; transactional mail has no List-Unsubscribe header at all (there is nothing to
 * unsubscribe from: a reset link is sent because someone asked for it).
 */

/** What the layout itself needs: the company as sender and where it is. */
export interface MailSender {
  /** MAIL_FROM: the company, never a member. */
  from: string;
  /** COMPANY_POSTAL_ADDRESS, printed in every footer. */
  postalAddress: string;
}

/** HTML that is already safe to put in a message: only `html` below and the layout make one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export { escapeHtml };

type HtmlValue = SafeHtml | string | number | readonly HtmlValue[];

const htmlOf = (v: HtmlValue): string =>
  v instanceof SafeHtml ? v.value : Array.isArray(v) ? v.map(htmlOf).join('') : escapeHtml(String(v));

/** A tagged template: every interpolated value is escaped unless it is SafeHtml already. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? htmlOf(values[i]!) : ''), ''));
}

const MUTED = 'color: #5b6470;';

/** A link to one of Agora's own pages; only http(s) addresses, so no `javascript:` can slip in. */
export function link(url: string, label: string): SafeHtml {
  if (!/^https?:\/\//i.test(url)) throw new Error('a mail link must be an http(s) address');
  return html`<a href="${url}">${label}</a>`;
}

/** The one thing a mail asks the reader to do: the link, with its address in full below it. */
export const action = (url: string, label: string): SafeHtml => html`${link(url, label)}<br><span style="${MUTED}">${url}</span>`;

/** One message's own words: the text part as lines, the HTML part's body. */
export interface MailContent {
  subject: string;
  /** The text part's body, one entry per line (CRLF-joined), before the footer. */
  text: readonly string[];
  /** The HTML part's body, before the footer. */
  html: SafeHtml;
}

// Anything that would make a mail client fetch something: an image, a frame, a stylesheet or a
// background from elsewhere. The layout has none; this keeps a future template from adding one.
// Escaped values hold no `<`, so only the template's own tags can match.
const FETCHES = /<(img|iframe|frame|link|script|object|embed|video|audio|source|picture)\b|<[^>]*(\s(src|background|srcset)\s*=|url\()/i;

/** Both parts of a message in the shared layout. */
export function renderMail(sender: MailSender, content: MailContent): { text: string; html: string } {
  if (FETCHES.test(content.html.value)) throw new Error('a mail body may not load anything from elsewhere');
  const text = [...content.text, '', '-- ', 'Agora', sender.postalAddress, ''].join('\r\n');
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${content.subject}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1c1e21;">
${content.html}
<hr>
<p style="${MUTED} font-size: 0.9em;">Agora<br>${sender.postalAddress}</p>
</body></html>
`;
  return { text, html: body.value };
}

/** Who gets the message and how it is named; everything else is the layout's. */
export interface MailAddressing {
  /** The one recipient: an address, or `{name, address}` so nodemailer encodes the name. */
  to: string | { name: string; address: string };
  /** A Message-ID of the caller's; nodemailer makes one up otherwise. */
  messageId?: string;
}

function message(sender: MailSender, addressing: MailAddressing, content: MailContent, headers: Record<string, string>): MailComposerOptions {
  return {
    from: sender.from,
    to: addressing.to,
    subject: content.subject,
    ...(addressing.messageId ? { messageId: addressing.messageId } : {}),
    ...renderMail(sender, content),
    // Only the strings above go in: no attachment or image is ever read from a path or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    headers,
  };
}

/**
 * A message someone's own action caused (a password reset, a verification, a notice about their
 * account): no List-Unsubscribe header, since there is no list to leave.
 */
export function transactionalMail(sender: MailSender, addressing: MailAddressing, content: MailContent): MailComposerOptions {
  return message(sender, addressing, content, {});
}

/**
 * A message the recipient can stop getting (an invite, a notification): RFC 8058 one-click opt-out,
 * which mail providers use by POSTing `List-Unsubscribe=One-Click` to `unsubscribeUrl`.
 */
export function listMail(sender: MailSender, addressing: MailAddressing & { unsubscribeUrl: string }, content: MailContent): MailComposerOptions {
  const { unsubscribeUrl, ...rest } = addressing;
  return message(sender, rest, content, {
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  });
}
