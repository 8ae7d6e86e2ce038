import type { MailComposerOptions } from 'nodemailer/lib/mail-composer';
import { action, html, transactionalMail, type MailSender } from '../mail/template.js';

export const VERIFY_SUBJECT = 'Confirm your e-mail address for Agora';
export const ADDRESS_CHANGED_SUBJECT = 'Your Agora e-mail address was changed';

/**
 * The verification e-mail, sent at sign-up, on every change of address and on request:
 * transactional (no List-Unsubscribe), to the address being verified, naming the account.
 */
export function verifyMessage(sender: MailSender, p: { to: string; username: string; verifyUrl: string }): MailComposerOptions {
  return transactionalMail(sender, { to: p.to }, {
    subject: VERIFY_SUBJECT,
    text: [
      `Hello ${p.username},`,
      '',
      `Please confirm that this address belongs to your Agora account "${p.username}" by opening this link within 7 days:`,
      p.verifyUrl,
      '',
      'The link works once. If you did not make this account or change its address, ignore this e-mail.',
    ],
    html: html`<p>Hello ${p.username},</p>
<p>Please confirm that this address belongs to your Agora account &ldquo;${p.username}&rdquo; by opening this link within 7 days:</p>
<p>${action(p.verifyUrl, 'Confirm my address')}</p>
<p>The link works once. If you did not make this account or change its address, ignore this e-mail.</p>`,
  });
}

/**
 * The notice to the address an account had before a change: no link that acts on the account
 * (whoever changed it may read this mailbox too), only what happened and what to do. Not a password
 * reset: no account has this address any more, so a reset asked for it would send nothing.
 */
export function addressChangedMessage(sender: MailSender, p: { to: string; username: string; siteUrl: string }): MailComposerOptions {
  return transactionalMail(sender, { to: p.to }, {
    subject: ADDRESS_CHANGED_SUBJECT,
    text: [
      `Hello ${p.username},`,
      '',
      `The e-mail address of your Agora account "${p.username}" was just changed, and this address is no longer on it.`,
      '',
      'If you made this change, there is nothing to do.',
      `If you did not, someone else may know your password and now holds the account. A password reset for this address cannot help, since the account no longer has it: contact the administrators of the community at ${p.siteUrl} at once and name the account "${p.username}".`,
    ],
    html: html`<p>Hello ${p.username},</p>
<p>The e-mail address of your Agora account &ldquo;${p.username}&rdquo; was just changed, and this address is no longer on it.</p>
<p>If you made this change, there is nothing to do.</p>
<p>If you did not, someone else may know your password and now holds the account. A password reset for this address cannot help, since the account no longer has it: contact the administrators of the community at ${p.siteUrl} at once and name the account &ldquo;${p.username}&rdquo;.</p>`,
  });
}
