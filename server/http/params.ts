import type { Request } from 'express';
import { NotFound } from '../errors.js';
import { isId } from '../store/ids.js';

/** A path id, parsed: a malformed id is answered like an unknown one (404 "There is no such …"). */
export function idParam(req: Request, name: string, what: string): string {
  const id = req.params[name];
  if (!isId(id)) throw new NotFound(`There is no such ${what}.`);
  return id;
}
