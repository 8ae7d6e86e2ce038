import type { MailComposerOptions } from 'nodemailer/lib/mail-composer';
import { action, html, link, listMail, type MailContent } from '../mail/template.js';

/** Everything the one fixed template uses: no free text from the member. */
export interface InviteParts {
  /** MAIL_FROM: the company, never the member. */
  from: string;
  friendName: string;
  friendAddress: string;
  /** The member's username (3–32 of [A-Za-z0-9_.-]). */
  memberUsername: string;
  joinUrl: string;
  optOutUrl: string;
  postalAddress: string;
  messageId: string;
}

export const INVITE_SUBJECT = 'An invitation to join Agora';

function content(p: InviteParts): MailContent {
  return {
    subject: INVITE_SUBJECT,
    text: [
      `Hello ${p.friendName},`,
      '',
      `${p.memberUsername}, a member of Agora, invites you to join the Agora community:`,
      p.joinUrl,
      '',
      `Why you got this email: ${p.memberUsername} entered your address in Agora's "Invite a friend" form.`,
      'Agora sends exactly one email per invitation and keeps neither your name nor your address.',
      '',
      `No more invitations from Agora, with one click: ${p.optOutUrl}`,
    ],
    html: html`<p>Hello ${p.friendName},</p>
<p><strong>${p.memberUsername}</strong>, a member of Agora, invites you to join the Agora community.</p>
<p>${action(p.joinUrl, 'Join Agora')}</p>
<p>Why you got this email: ${p.memberUsername} entered your address in Agora's &ldquo;Invite a friend&rdquo; form.
Agora sends exactly one email per invitation and keeps neither your name nor your address.</p>
<p>No more invitations from Agora: ${link(p.optOutUrl, 'opt out with one click')}.</p>`,
  };
}

/**
 * The invite as nodemailer message options, in the shared layout (server/mail/template.ts). The
 * friend is the one recipient, given as `{name, address}` so nodemailer encodes the name; it is a
 * list mail: RFC 8058 one-click opt-out headers point at the friend's own opt-out link.
 */
export function inviteMessage(p: InviteParts): MailComposerOptions {
  return listMail(
    { from: p.from, postalAddress: p.postalAddress },
    { to: { name: p.friendName, address: p.friendAddress }, messageId: p.messageId, unsubscribeUrl: p.optOutUrl },
    content(p),
  );
}
