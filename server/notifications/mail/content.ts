// The words of notification and digest e-mail, in the shared layout (server/mail/template.ts): a
// list mail each, with the RFC 8058 one-click opt-out for its kind. Only what a reader of the forum
// sees goes in: the thread title, the actor's username and the post's published text (the
// sanitizer's output read as plain text, so masked values stay masked and no markup, image or
// link of the author's travels), with a link to the post on Agora. Nothing loads from elsewhere
// and nothing counts opens or clicks.
import type { MailComposerOptions } from 'nodemailer/lib/mail-composer';
import { action, html, link, listMail, type MailContent, type MailSender } from '../../mail/template.js';
import type { NotificationKind } from '../../../shared/schemas/notifications.js';

/** A post's text is cut here in e-mail: enough to know whether to open it. */
export const EXCERPT_CHARS = 1500;

export function excerpt(text: string, max = EXCERPT_CHARS): string {
  if (text.length <= max) return text;
  // Cut between words, and never inside a surrogate pair.
  const cut = text.slice(0, max).replace(/\s+\S*$/, '');
  return `${cut.length > 0 ? cut : Array.from(text).slice(0, max).join('')}…`;
}

export interface NotificationMailParts {
  sender: MailSender;
  to: string;
  kind: NotificationKind;
  actorName: string;
  threadTitle: string;
  postText: string;
  postUrl: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}

const WHY: Record<NotificationKind, string> = {
  mention: 'you have e-mail for mentions switched on in your Agora preferences',
  reply: 'you have e-mail for replies in threads you watch switched on in your Agora preferences',
  watched: 'you have e-mail for replies in threads you watch switched on in your Agora preferences',
};

const STOP: Record<NotificationKind, string> = {
  mention: 'No more e-mail about mentions',
  reply: 'No more e-mail about watched threads',
  watched: 'No more e-mail about watched threads',
};

function headline(p: Pick<NotificationMailParts, 'kind' | 'actorName' | 'threadTitle'>): string {
  if (p.kind === 'mention') return `${p.actorName} mentioned you in "${p.threadTitle}"`;
  return `${p.actorName} replied in "${p.threadTitle}"`;
}

function notificationContent(p: NotificationMailParts): MailContent {
  const title = headline(p);
  const text = excerpt(p.postText);
  return {
    subject: title,
    text: [
      `${title}:`,
      '',
      ...text.split('\n').map((l) => `> ${l}`),
      '',
      `Read it on Agora: ${p.postUrl}`,
      '',
      `Why you got this e-mail: ${WHY[p.kind]}. Agora sends it only while the notification is still unread.`,
      `${STOP[p.kind]}, with one click: ${p.unsubscribeUrl}`,
      `Your e-mail preferences: ${p.preferencesUrl}`,
    ],
    html: html`<p>${title}:</p>
<blockquote style="margin: 0 0 1em; padding: 0 0 0 1em; border-left: 3px solid #c9d1d9; white-space: pre-wrap;">${text}</blockquote>
<p>${action(p.postUrl, 'Read it on Agora')}</p>
<p style="color: #5b6470; font-size: 0.9em;">Why you got this e-mail: ${WHY[p.kind]}. Agora sends it only while the notification is still unread.<br>
${link(p.unsubscribeUrl, `${STOP[p.kind]}, with one click`)} · ${link(p.preferencesUrl, 'Your e-mail preferences')}</p>`,
  };
}

export function notificationMessage(p: NotificationMailParts): MailComposerOptions {
  return listMail(p.sender, { to: p.to, unsubscribeUrl: p.unsubscribeUrl }, notificationContent(p));
}

export interface DigestEntry {
  title: string;
  url: string;
  /** Posts written in the period (at least 1). */
  posts: number;
}

export interface DigestMailParts {
  sender: MailSender;
  to: string;
  period: 'daily' | 'weekly';
  threads: readonly DigestEntry[];
  unsubscribeUrl: string;
  preferencesUrl: string;
}

const postsIn = (n: number) => (n === 1 ? '1 new post' : `${n} new posts`);

function digestContent(p: DigestMailParts): MailContent {
  const span = p.period === 'daily' ? 'the last day' : 'the last week';
  return {
    subject: `Your ${p.period} Agora digest`,
    text: [
      `The most active threads on Agora in ${span}:`,
      '',
      ...p.threads.flatMap((t) => [`- ${t.title} (${postsIn(t.posts)})`, `  ${t.url}`]),
      '',
      `Why you got this e-mail: you asked for a ${p.period} digest in your Agora preferences.`,
      `No more digests, with one click: ${p.unsubscribeUrl}`,
      `Your e-mail preferences: ${p.preferencesUrl}`,
    ],
    html: html`<p>The most active threads on Agora in ${span}:</p>
<ul>${p.threads.map((t) => html`<li>${link(t.url, t.title)} <span style="color: #5b6470;">(${postsIn(t.posts)})</span></li>`)}</ul>
<p style="color: #5b6470; font-size: 0.9em;">Why you got this e-mail: you asked for a ${p.period} digest in your Agora preferences.<br>
${link(p.unsubscribeUrl, 'No more digests, with one click')} · ${link(p.preferencesUrl, 'Your e-mail preferences')}</p>`,
  };
}

export function digestMessage(p: DigestMailParts): MailComposerOptions {
  return listMail(p.sender, { to: p.to, unsubscribeUrl: p.unsubscribeUrl }, digestContent(p));
}
