// One post waiting in the review queue: its content, its open flags, and what a moderator can do.
import { useRef, useState } from 'preact/hooks';
import type { Flag, Post, QueueItem } from '../../../shared/schemas/index.js';
import { errorText, when } from '../format.js';
import { PostModActions, RemovalNote, type ModOutcome } from '../mod-actions.js';
import { modApi } from '../mod-api.js';
import { UserLink } from '../user-link.js';

export const authorName = (post: Post) => post.author?.username ?? 'an unknown author';

/** `focusNext`: where the keyboard's focus goes once the flag's row has left, nearest first. */
type Dismissed = (f: Flag, focusNext: HTMLElement[]) => void;

export function QueueCard({ item, onOutcome, onDismissed }: { item: QueueItem; onOutcome(o: ModOutcome): void; onDismissed: Dismissed }) {
  const { post, flags } = item;
  const metaId = `queue-${post.id}-meta`;
  return (
    // Focusable: a flag dismissed in the card before or after it may hand the keyboard's focus here.
    <li class={`queue-item kind-${item.kind}`} data-testid="queue-item" data-post-id={post.id} aria-labelledby={metaId} tabIndex={-1}>
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
            {flags.map((f) => <FlagRow key={f.id} flag={f} onDismissed={(next) => onDismissed(f, next)} />)}
          </ul>
        </>
      )}
      <PostModActions post={post} idPrefix={`q-${post.id}`} describedBy={metaId} onOutcome={onOutcome} />
    </li>
  );
}

/** The siblings after `el`, then those before it, nearest first. */
function outward(el: Element): HTMLElement[] {
  const found: HTMLElement[] = [];
  for (let s = el.nextElementSibling; s; s = s.nextElementSibling) found.push(s as HTMLElement);
  for (let s = el.previousElementSibling; s; s = s.previousElementSibling) found.push(s as HTMLElement);
  return found;
}

/** Where the focus goes when a flag's row leaves: another flag's Dismiss, the card itself (a held post stays), a neighbouring card. */
function focusAfterDismissal(row: HTMLElement): HTMLElement[] {
  const card = row.closest<HTMLElement>('[data-testid="queue-item"]');
  const dismissButtons = outward(row).flatMap((r) => r.querySelector<HTMLElement>('button') ?? []);
  return [...dismissButtons, ...(card ? [card, ...outward(card)] : [])];
}

function FlagRow({ flag, onDismissed }: { flag: Flag; onDismissed(focusNext: HTMLElement[]): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dismissing = useRef(false); // a ref, not the state: two presses before a re-render send one request
  const row = useRef<HTMLLIElement>(null);
  const by = flag.by?.username ?? 'a member';
  const dismiss = async () => {
    if (dismissing.current) return;
    dismissing.current = true;
    // Taken now: the live queue may drop this row, or its card, before the answer comes.
    const focusNext = row.current ? focusAfterDismissal(row.current) : [];
    setBusy(true);
    setError(null);
    try {
      await modApi.dismissFlag(flag.id);
      onDismissed(focusNext);
    } catch (e) {
      dismissing.current = false;
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <li class="flag" data-testid="flag" ref={row}>
      <span class="flag-reason">“{flag.reason}”</span>
      <span class="meta"> flagged by <strong>{flag.by ? <UserLink who={flag.by} /> : by}</strong> · <time dateTime={flag.createdAt}>{when(flag.createdAt)}</time></span>
      {/* aria-disabled while busy: a disabled button would drop the keyboard's focus before the row leaves. */}
      <button type="button" class="secondary small" aria-disabled={busy || undefined} aria-label={`Dismiss the flag by ${by}`} onClick={() => void dismiss()}>
        {busy ? 'Dismissing…' : 'Dismiss'}
      </button>
      {error && <p class="form-error" role="alert">{error}</p>}
    </li>
  );
}
