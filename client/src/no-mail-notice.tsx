import type { ComponentChildren } from 'preact';

/**
 * What a page says when the server kept its e-mail in the development outbox instead of sending it
 * (no SMTP_URL, outside production; the answer then carries `outbox`): that nothing was sent, and
 * where `what` can be read instead.
 */
export function NoMailSent({ outbox, what }: { outbox: string; what: ComponentChildren }) {
  return (
    <>
      This Agora has no mail server (<code>SMTP_URL</code> is not set), so no e-mail was sent: {what} is in the development
      outbox at{' '}
      {/* target="_self": a page the server renders, not one of the web app's, so the router leaves the click to the browser. */}
      <a href={outbox} target="_self">{outbox}</a>.
    </>
  );
}
