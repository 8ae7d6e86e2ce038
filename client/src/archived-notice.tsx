import type { Forum } from '../../shared/schemas/index.js';

/**
 * Shown where one would start a thread or reply in an archived forum: that it is read-only, instead
 * of a form whose every submit would be refused.
 */
export function ArchivedNotice({ forum }: { forum: Pick<Forum, 'archived'> | null }) {
  if (!forum?.archived) return null;
  return (
    <section class="ban-notice" aria-labelledby="archived-notice-title" data-testid="archived-notice">
      <h2 id="archived-notice-title">This forum is archived</h2>
      <p>It is read-only: you can read its threads, but no one can start a thread or reply here any more.</p>
    </section>
  );
}
