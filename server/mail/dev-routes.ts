import { Router, type RequestHandler } from 'express';
import { NotFound } from '../errors.js';
import { PRIVATE_PAGE_HEADERS } from '../http/security.js';
import { isId } from '../store/ids.js';
import { OUTBOX_CSS, outboxPage } from './dev-page.js';
import { DEV_MAIL_PATH, type DevOutbox } from './outbox.js';

/**
 * A message's own HTML, shown in the outbox page's sandboxed iframe. Its policy is narrower than
 * the site's in every way but one: no script (`sandbox` also gives the document an opaque origin,
 * so it can touch neither the site nor its cookies), no request of any kind (no remote image or
 * font, so no beacon), no form. The one thing it allows is inline styles, which is how e-mail is
 * styled; and only the outbox page (`frame-ancestors 'self'`) may show it.
 */
const MESSAGE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";


/**
 * `GET /dev/mail` (the page), `/dev/mail.json` (the same, for scripts) and a message's HTML part.
 * Without an outbox (SMTP_URL is set, or production) each answers 404 like any unknown route.
 */
export function devMailRoutes(outbox: DevOutbox | undefined): Router {
  const r = Router();
  const paths = [DEV_MAIL_PATH, `${DEV_MAIL_PATH}.json`, `${DEV_MAIL_PATH}.css`, `${DEV_MAIL_PATH}/:id/html`];
  const onlyWithOutbox: RequestHandler = (_req, res, next) => {
    if (!outbox) return next(new NotFound('There is no such page.'));
    // The outbox holds invites with a friend's name and address: kept out of caches, indexes and referrers.
    res.set(PRIVATE_PAGE_HEADERS);
    next();
  };
  r.get(paths, onlyWithOutbox);
  if (!outbox) return r;

  r.get(DEV_MAIL_PATH, (_req, res) => {
    res.type('html').send(outboxPage(outbox.list(), outbox.capacity));
  });
  r.get(`${DEV_MAIL_PATH}.json`, (_req, res) => {
    res.json({ items: outbox.list() });
  });
  r.get(`${DEV_MAIL_PATH}.css`, (_req, res) => {
    res.type('css').send(OUTBOX_CSS);
  });
  r.get(`${DEV_MAIL_PATH}/:id/html`, (req, res, next) => {
    const id = String(req.params.id);
    const message = isId(id) ? outbox.get(id) : undefined;
    if (!message?.html) return next(new NotFound('This message is no longer in the outbox.'));
    res.set({ 'Content-Security-Policy': MESSAGE_CSP, 'X-Frame-Options': 'SAMEORIGIN' }).type('html').send(message.html);
  });
  return r;
}
