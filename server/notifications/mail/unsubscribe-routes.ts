// `GET /unsubscribe/e/:token` and `POST` the same (API.md, Notifications): the one-click opt-out of
// notification and digest e-mail. The GET is a small page with one button (a link opened by a mail
// scanner must not switch anything off); the POST switches that kind off at once. Mail providers
// POST `List-Unsubscribe=One-Click` without cookies (RFC 8058), so the POST needs no session and no
// CSRF token: the token in the path is the proof, and all it can do is switch one kind off. These
// routes are mounted outside /api, where the CSRF middleware does not run.
import { Router, type Request, type Response } from 'express';
import { PRIVATE_PAGE_HEADERS } from '../../http/security.js';
import { NotFound } from '../../errors.js';
import type { UnsubscribeKind } from './unsubscribe-token.js';
import { escapeHtml } from '../../content/escape-html.js';
import { optOut, optOutKind, type OptOutDeps } from '../preferences.js';

export type UnsubscribeDeps = OptOutDeps;

const WHAT: Record<UnsubscribeKind, string> = {
  mention: 'e-mail when someone mentions you',
  watched: 'e-mail about replies in threads you watch',
  digest: 'the digest e-mail',
};

// Rendered here, with no script and no style of its own, so the site's CSP applies as is.
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Agora</title></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
<p><a href="/account">Your e-mail preferences</a> · <a href="/">Agora</a></p>
</main></body></html>
`;
}

const BROKEN = page('This link does not work', '<p>This unsubscribe link is not one Agora made. Your e-mail preferences on your account page say what Agora sends you.</p>');

/** For a page: null for a link Agora did not make (the page says so); any other failure goes on to the error handler. */
async function orBroken<T>(work: () => T | Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

export function unsubscribeRoutes(deps: UnsubscribeDeps): Router {
  const r = Router();
  const path = '/unsubscribe/e/:token';

  r.get(path, async (req, res) => {
    res.set(PRIVATE_PAGE_HEADERS);
    const kind = await orBroken(() => optOutKind(deps, String(req.params.token)));
    if (!kind) return void res.status(404).type('html').send(BROKEN);
    const action = `/unsubscribe/e/${encodeURIComponent(String(req.params.token))}`;
    res.type('html').send(page('Stop these e-mails', `<p>Stop ${WHAT[kind]} from Agora? It takes effect at once; you can switch it on again in your preferences.</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit">Stop ${escapeHtml(WHAT[kind])}</button></form>`));
  });

  r.post(path, async (req: Request, res: Response) => {
    res.set(PRIVATE_PAGE_HEADERS);
    const wantsPage = req.accepts(['json', 'html']) === 'html';
    // A JSON caller gets the contract's not_found from the error handler; a browser the page.
    const switchOff = () => optOut(deps, String(req.params.token));
    const kind = wantsPage ? await orBroken(switchOff) : await switchOff();
    if (!kind) return void res.status(404).type('html').send(BROKEN);
    if (wantsPage) return void res.type('html').send(page('Done', `<p>Agora sends you no more ${escapeHtml(WHAT[kind])}.</p>`));
    res.json({ status: 'unsubscribed' });
  });

  return r;
}
