import type { MailComposerOptions } from 'nodemailer/lib/mail-composer';

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

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function text(p: InviteParts): string {
  return [
    `Hello ${p.friendName},`,
    '',
    `${p.memberUsername}, a member of Agora, invites you to join the Agora community:`,
    p.joinUrl,
    '',
    `Why you got this email: ${p.memberUsername} entered your address in Agora's "Invite a friend" form.`,
    'Agora sends exactly one email per invitation and keeps neither your name nor your address.',
    '',
    `No more invitations from Agora, with one click: ${p.optOutUrl}`,
    '',
    '-- ',
    'Agora',
    p.postalAddress,
    '',
  ].join('\r\n');
}

function html(p: InviteParts): string {
  const e = escapeHtml;
  const link = (url: string, label: string) => `<a href="${e(url)}">${e(label)}</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(INVITE_SUBJECT)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1c1e21;">
<p>Hello ${e(p.friendName)},</p>
<p><strong>${e(p.memberUsername)}</strong>, a member of Agora, invites you to join the Agora community.</p>
<p>${link(p.joinUrl, 'Join Agora')}<br><span style="color: #5b6470;">${e(p.joinUrl)}</span></p>
<p>Why you got this email: ${e(p.memberUsername)} entered your address in Agora's &ldquo;Invite a friend&rdquo; form.
Agora sends exactly one email per invitation and keeps neither your name nor your address.</p>
<p>No more invitations from Agora: ${link(p.optOutUrl, 'opt out with one click')}.</p>
<hr>
<p style="color: #5b6470; font-size: 0.9em;">Agora<br>${e(p.postalAddress)}</p>
</body></html>
`;
}

/**
 * The invite as nodemailer message options. The friend is the one recipient, given as
 * `{name, address}` so nodemailer encodes the name; every other header is fixed here.
 */
export function inviteMessage(p: InviteParts): MailComposerOptions {
  return {
    from: p.from,
    to: { name: p.friendName, address: p.friendAddress },
    subject: INVITE_SUBJECT,
    messageId: p.messageId,
    text: text(p),
    html: html(p),
    // Only the strings above go in: no attachment or image is ever read from a path or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    headers: {
      // RFC 8058 one-click opt-out: mail providers POST `List-Unsubscribe=One-Click` to this URL.
      'List-Unsubscribe': `<${p.optOutUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
