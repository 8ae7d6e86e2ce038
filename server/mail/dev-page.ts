import { DEV_MAIL_PATH, type OutboxMessage } from './outbox.js';
import { escapeHtml } from '../content/escape-html.js';

// The development outbox's page, rendered on the server with every value escaped. It runs no
// script at all and takes its styles from a stylesheet of its own, so the site's CSP applies as is.

/** The web links a message's text holds, in order, each once: what a reader would click. */
export function linksIn(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"']+/g) ?? [];
  return [...new Set(found.map((u) => u.replace(/[.,;:!?)]+$/, '')))];
}

function messageHtml(m: OutboxMessage, n: number): string {
  const e = escapeHtml;
  const heading = `mail-${n}`;
  const links = linksIn(m.text);
  return `<li>
<article class="mail" aria-labelledby="${heading}">
<h2 id="${heading}">${e(m.subject || '(no subject)')}</h2>
<dl>
<dt>To</dt><dd>${e(m.to)}</dd>
<dt>From</dt><dd>${e(m.from)}</dd>
<dt>Kept at</dt><dd><time datetime="${e(m.at)}">${e(m.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time></dd>
</dl>
${links.length ? `<h3>Links in this message</h3>
<ul class="links">${links.map((u) => `<li><a href="${e(u)}" rel="noreferrer">${e(u)}</a></li>`).join('')}</ul>` : ''}
<details open><summary>Text</summary><pre>${e(m.text)}</pre></details>
${m.html !== null ? `<details><summary>HTML</summary>
<iframe sandbox src="${DEV_MAIL_PATH}/${e(m.id)}/html" title="The HTML part of ${e(m.subject || 'this message')}"></iframe>
</details>` : ''}
</article>
</li>`;
}

export function outboxPage(messages: readonly OutboxMessage[], capacity: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development outbox · Agora</title><link rel="stylesheet" href="${DEV_MAIL_PATH}.css"></head>
<body><main aria-labelledby="outbox-title">
<h1 id="outbox-title">Development outbox</h1>
<p class="about">This Agora has no mail server (<code>SMTP_URL</code> is not set), so it sends no e-mail: every
message it would have sent is kept here instead, so you can read it and follow its links. This page is for a
developer's own machine and exists only outside production. The messages live in this server process's memory
only: the last ${capacity} are kept, and all of them are gone when the process restarts. Anyone who can reach this
server can read this page; set <code>SMTP_URL</code> to send real e-mail instead.</p>
<p class="actions"><a href="${DEV_MAIL_PATH}">Refresh</a> · <a href="${DEV_MAIL_PATH}.json">The same as JSON</a> · <a href="/">Back to Agora</a></p>
${messages.length === 0
    ? '<p class="empty">No e-mail yet. Invite a friend (or do anything else that sends an e-mail), then refresh this page.</p>'
    : `<p>${messages.length === 1 ? 'One message' : `${messages.length} messages`}, newest first.</p>
<ol class="mails">${messages.map(messageHtml).join('\n')}</ol>`}
</main></body></html>
`;
}

export const OUTBOX_CSS = `
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0; color: #1c1e21; background: #fff; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem; }
.about { border-left: 4px solid #b35900; background: #fff6ec; padding: .5rem .75rem; }
ol.mails { list-style: none; padding: 0; }
.mail { border: 1px solid #c9d1d9; border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
.mail h2 { font-size: 1.2rem; margin: .25rem 0; }
.mail h3 { font-size: 1rem; margin: .75rem 0 .25rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; margin: .5rem 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.links a { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: .5rem; border-radius: 4px; }
summary { cursor: pointer; font-weight: 600; margin: .5rem 0; }
iframe { width: 100%; height: 28rem; border: 1px solid #c9d1d9; border-radius: 4px; background: #fff; }
a { color: #0b57d0; }
a:focus-visible, summary:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  body { color: #e6e6e6; background: #16181c; }
  .about { background: #2b2116; }
  pre { background: #22262c; }
  .mail, iframe { border-color: #3a4048; }
  a { color: #8ab4f8; }
}
`;
