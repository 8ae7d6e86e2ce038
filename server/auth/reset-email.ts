import type { MailComposerOptions } from 'nodemailer/lib/mail-composer';
import { action, html, transactionalMail, type MailSender } from '../mail/template.js';

export const RESET_SUBJECT = 'Reset your Agora password';

/**
 * The password-reset e-mail: transactional (no List-Unsubscribe), to the account's own address,
 * naming the account (one address can have several) and the link that works once, for an hour.
 */
export function resetMessage(sender: MailSender, p: { to: string; username: string; resetUrl: string }): MailComposerOptions {
  return transactionalMail(sender, { to: p.to }, {
    subject: RESET_SUBJECT,
    text: [
      `Hello ${p.username},`,
      '',
      `Someone asked to reset the password of your Agora account "${p.username}". To choose a new password, open this link within an hour:`,
      p.resetUrl,
      '',
      'The link works once. Choosing a new password signs you out everywhere.',
      'If you did not ask for this, ignore this e-mail: your password stays as it is.',
    ],
    html: html`<p>Hello ${p.username},</p>
<p>Someone asked to reset the password of your Agora account &ldquo;${p.username}&rdquo;. To choose a new password, open this link within an hour:</p>
<p>${action(p.resetUrl, 'Choose a new password')}</p>
<p>The link works once. Choosing a new password signs you out everywhere.</p>
<p>If you did not ask for this, ignore this e-mail: your password stays as it is.</p>`,
  });
}
