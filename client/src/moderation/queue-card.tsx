// One post waiting in the review queue: its content, its open flags, and what a moderator can do.
import { useState } from 'preact/hooks';
import type { Flag, Post, QueueItem } from '../../../shared/schemas/index.js';
import { errorText, when } from '../format.js';
import { PostModActions, RemovalNote, type ModOutcome } from '../mod-actions.js';
import { modApi } from '../mod-api.js';
import { UserLink } from '../user-link.js';

export const authorName = (post: Post) => post.author?.username ?? 'an unknown author';

export function QueueCard({ item, onOutcome, onDismissed }: { item: QueueItem; onOutcome(o: ModOutcome): void; onDismissed(f: Flag): void }) {
  const { post, flags } = item;
  const metaId = `queue-${post.id}-meta`;
  return (
    <li class={`queue-item kind-${item.kind}`} data-testid="queue-item" data-post-id={post.id} aria-labelledby={metaId}>
      <p class="meta" id={metaId}>
        <span class={`kind-badge kind-${item.kind}`}>{item.kind === 'held' ? 'Held for review' : 'Flagged'}</span>
        {' '}Post by <strong><UserLink who={post.author} /></strong> · <time dateTime={post.createdAt}>{when(post.createdAt)}</time>
        {' · '}status: {post.status}
        {' · '}<a href={`/t/${post.threadId}`}>Open the thread</a>
      </p>
      {post.status === 'removed' && <RemovalNote removal={post.removal} purged={post.purged} />}
      {post.html === null
        ? <p class="tombstone">{post.purged ? 'The content was purged for good.' : 'No content.'}</p>
        // Sanitized on the server when it was written (strict allowlist), as on the thread page.
        : <div class="post-body queued-body" dangerouslySetInnerHTML={{ __html: post.html }} />}
      {flags.length > 0 && (
        <>
          <h3 class="flags-title">{flags.length === 1 ? '1 open flag' : `${flags.length} open flags`}</h3>
          <ul class="flags">
            {flags.map((f) => <FlagRow key={f.id} flag={f} onDismissed={() => onDismissed(f)} />)}
          </ul>
        </>
      )}
      <PostModActions post={post} idPrefix={`q-${post.id}`} describedBy={metaId} onOutcome={onOutcome} />
    </li>
  );
}

function FlagRow({ flag, onDismissed }: { flag: Flag; onDismissed(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const by = flag.by?.username ?? 'a member';
  const dismiss = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await modApi.dismissFlag(flag.id);
      onDismissed();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <li class="flag" data-testid="flag">
      <span class="flag-reason">“{flag.reason}”</span>
      <span class="meta"> flagged by <strong>{flag.by ? <UserLink who={flag.by} /> : by}</strong> · <time dateTime={flag.createdAt}>{when(flag.createdAt)}</time></span>
      <button type="button" class="secondary small" disabled={busy} aria-label={`Dismiss the flag by ${by}`} onClick={() => void dismiss()}>
        {busy ? 'Dismissing…' : 'Dismiss'}
      </button>
      {error && <p class="form-error" role="alert">{error}</p>}
    </li>
  );
}
