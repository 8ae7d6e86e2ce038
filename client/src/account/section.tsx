// What every section of the account page shares: its frame, and page-side checks shown like the server's.
import type { ComponentChildren } from 'preact';
import { ApiFailure } from '../api.js';

/** A check in the page itself, reported next to its field like the server's own. */
export const invalid = (field: string, message: string) => new ApiFailure(400, 'validation_failed', message, { field });
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="account-section" aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
