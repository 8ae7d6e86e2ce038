import { randomBytes } from 'node:crypto';

/** Opaque, unguessable ids: 16 base64url characters (96 random bits). */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

const ID_SHAPE = /^[A-Za-z0-9_-]{16}$/;

/** A malformed id is answered like an unknown one (404), so callers check the shape first. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_SHAPE.test(value);
}

export function newToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
