import { Router } from 'express';
import { requireAdmin, requireUser, requireWriter } from '../auth/guards.js';
import { idParam } from '../http/params.js';
import { parse } from '../http/validate.js';
import { consentBody, testimonialTextBody as textBody } from '../../shared/schemas/index.js';
import * as testimonials from './service.js';
import { adminView, ownView, publicView } from './views.js';

/** /api/testimonials (API.md): parse, call the service, shape the answer. */
export function testimonialRoutes(deps: testimonials.TestimonialDeps): Router {
  const r = Router();

  r.get('/', async (_req, res) => {
    res.json({ items: (await testimonials.published(deps)).map(publicView) });
  });

  r.get('/mine', requireUser, async (req, res) => {
    res.json({ items: (await testimonials.mine(deps, req.user!)).map(ownView) });
  });

  r.get('/review', requireAdmin, async (req, res) => {
    res.json({ items: (await testimonials.forReview(deps, req.user!)).map(adminView) });
  });

  r.post('/', requireWriter, async (req, res) => {
    res.status(201).json({ testimonial: ownView(await testimonials.submit(deps, req.user!, parse(textBody, req.body))) });
  });

  r.patch('/:id', requireWriter, async (req, res) => {
    res.json({ testimonial: ownView(await testimonials.edit(deps, req.user!, idParam(req, 'id', 'testimonial'), parse(textBody, req.body))) });
  });

  r.post('/:id/consent', requireUser, async (req, res) => {
    res.json({ testimonial: ownView(await testimonials.consent(deps, req.user!, idParam(req, 'id', 'testimonial'), parse(consentBody, req.body))) });
  });

  r.delete('/:id/consent', requireUser, async (req, res) => {
    res.json({ testimonial: ownView(await testimonials.withdraw(deps, req.user!, idParam(req, 'id', 'testimonial'))) });
  });

  r.delete('/:id', requireUser, async (req, res) => {
    await testimonials.remove(deps, req.user!, idParam(req, 'id', 'testimonial'));
    res.status(204).end();
  });

  for (const [path, featured] of [['feature', true], ['unfeature', false]] as const) {
    r.post(`/:id/${path}`, requireAdmin, async (req, res) => {
      res.json({ testimonial: adminView(await testimonials.setFeatured(deps, req.user!, idParam(req, 'id', 'testimonial'), featured)) });
    });
  }

  return r;
}
