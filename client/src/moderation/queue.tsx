// The live review queue: flagged and held posts as they arrive, and an undo for each removal.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Flag, Post, QueueEvent, QueueItem } from '../../../shared/schemas/index.js';
import { errorText } from '../format.js';
import type { ModOutcome } from '../mod-actions.js';
import { modApi, upsertItem, watchModQueue } from '../mod-api.js';
import { authorName, QueueCard } from './queue-card.js';

interface UndoNotice {
  post: Post;
  reason: string;
  state: 'removed' | 'restoring' | 'restored';
  error?: string;
}

export function QueueSection() {
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [undo, setUndo] = useState<UndoNotice[]>([]);
  const undoList = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  /** The post whose undo notice takes the focus: a new removal's, or the one just restored. */
  const [focusUndo, setFocusUndo] = useState<string | null>(null);
  /** After a dismissal, where the focus may go (nearest first), the heading last; see queue-card.tsx. */
  const [focusNext, setFocusNext] = useState<HTMLElement[] | null>(null);
  const restoring = useRef(new Set<string>()); // a ref: two presses before a re-render send one request
  // After "Load more", the first card it brought takes the focus: the button is gone with the last
  // page, and a keyboard user goes on where the older posts start.
  const focusCard = useRef<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const loading = useRef(false); // a ref, not the state: two presses before a re-render load one page

  useEffect(() => watchModQueue({
    loaded: (page) => {
      setItems(page.items);
      setNext(page.nextCursor);
    },
    event: (e: QueueEvent) => setItems((list) => {
      const current = list ?? [];
      return e.kind === 'resolved' ? current.filter((i) => i.post.id !== e.item.postId) : upsertItem(current, e.item);
    }),
    status: (on, why) => {
      setLive(on);
      setProblem(on ? null : why ?? null);
    },
  }), []);

  useEffect(() => {
    if (!focusUndo) return;
    undoList.current?.querySelector<HTMLElement>(`.undo-item[data-post-id="${CSS.escape(focusUndo)}"]`)?.focus();
    setFocusUndo(null);
  }, [focusUndo]);

  useEffect(() => {
    if (!focusNext) return;
    setFocusNext(null);
    // Only if the focus left with the flag's row: the moderator may have gone elsewhere meanwhile.
    if (document.activeElement && document.activeElement !== document.body) return;
    [...focusNext, heading.current].find((el) => el?.isConnected)?.focus();
  }, [focusNext]);

  useEffect(() => {
    if (focusCard.current === null) return;
    document.querySelector<HTMLElement>(`[data-testid="queue-item"][data-post-id="${CSS.escape(focusCard.current)}"]`)?.focus();
    focusCard.current = null;
  }, [items]);

  const more = async () => {
    if (!next || loading.current) return;
    loading.current = true;
    setLoadingMore(true);
    try {
      const page = await modApi.queue(next);
      setItems((list) => {
        const brought = page.items.filter((i) => !(list ?? []).some((x) => x.post.id === i.post.id));
        focusCard.current = brought[0]?.post.id ?? null;
        return [...(list ?? []), ...brought];
      });
      setNext(page.nextCursor);
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      loading.current = false;
      setLoadingMore(false);
    }
  };

  const dropItem = (postId: string) => setItems((list) => (list ?? []).filter((i) => i.post.id !== postId));

  const outcome = (o: ModOutcome, item: QueueItem) => {
    dropItem(item.post.id);
    if (o.kind === 'removed') {
      setUndo((list) => [{ post: o.post, reason: o.reason, state: 'removed' as const }, ...list.filter((n) => n.post.id !== o.post.id)].slice(0, 5));
      setMessage(null);
      setFocusUndo(o.post.id);
      return;
    }
    setMessage(o.kind === 'approved' ? `Approved the post by ${authorName(item.post)}: everyone can see it now.`
      : o.kind === 'purged' ? `Purged the post by ${authorName(item.post)} for good.`
      : `Restored the post by ${authorName(item.post)}.`);
    heading.current?.focus();
  };

  const restore = async (n: UndoNotice) => {
    if (restoring.current.has(n.post.id)) return;
    restoring.current.add(n.post.id);
    const set = (patch: Partial<UndoNotice>) => setUndo((list) => list.map((x) => (x.post.id === n.post.id ? { ...x, ...patch } : x)));
    set({ state: 'restoring', error: undefined });
    try {
      await modApi.restorePost(n.post.id);
      set({ state: 'restored' });
      setFocusUndo(n.post.id); // its Undo is gone: the notice, now saying it was restored, keeps the place
    } catch (e) {
      set({ state: 'removed', error: errorText(e) });
    } finally {
      restoring.current.delete(n.post.id);
    }
  };

  const flagDismissed = (item: QueueItem, flag: Flag, next: HTMLElement[]) => {
    const rest = item.flags.filter((f) => f.id !== flag.id);
    // The server's mod:queue event confirms this; until it arrives the page shows the result at once.
    if (rest.length === 0 && item.kind === 'flag') dropItem(item.post.id);
    else setItems((list) => upsertItem(list ?? [], { ...item, flags: rest }));
    setMessage(`Dismissed the flag by ${flag.by?.username ?? 'a member'}.`);
    setFocusNext(next);
  };

  return (
    <section aria-labelledby="queue-title" class="mod-section">
      <h2 id="queue-title" tabIndex={-1} ref={heading}>
        Review queue {items && <span class="count">({items.length}{next ? '+' : ''} waiting)</span>}
      </h2>
      <p class="meta">
        <span class={`live ${live ? 'on' : 'off'}`} data-testid="queue-live">{live ? 'Live' : 'Connecting…'}</span>
        {' · '}Flagged and held posts appear here as they arrive, oldest first.
      </p>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      <p role="status" class="mod-message" data-testid="queue-message">{message ?? ''}</p>
      {undo.length > 0 && (
        <div class="undo-list" ref={undoList} role="group" aria-label="Recent removals" data-testid="undo-list">
          {undo.map((n) => (
            // Not a live region: the notice takes the focus when it appears and when it says "restored",
            // and is read then, once.
            <div key={n.post.id} class="undo-item" tabIndex={-1} data-post-id={n.post.id}>
              {n.state === 'restored'
                ? <span>Restored the post by <strong>{authorName(n.post)}</strong>.</span>
                : <span>Removed the post by <strong>{authorName(n.post)}</strong> ({n.reason}).</span>}
              {n.state !== 'restored' && (
                <button type="button" class="secondary" aria-disabled={n.state === 'restoring' || undefined} onClick={() => void restore(n)}>
                  {n.state === 'restoring' ? 'Undoing…' : 'Undo'}
                </button>
              )}
              <a href={`/t/${n.post.threadId}`}>Open the thread</a>
              <button type="button" class="link-button" aria-label={`Hide this notice about the post by ${authorName(n.post)}`}
                onClick={() => setUndo((list) => list.filter((x) => x.post.id !== n.post.id))}>Hide</button>
              {n.error && <p class="form-error" role="alert">{n.error}</p>}
            </div>
          ))}
        </div>
      )}
      {items === null && !problem && <p aria-busy="true">Loading the queue…</p>}
      {items?.length === 0 && <p data-testid="queue-empty">Nothing is waiting for review.</p>}
      <ul class="queue" aria-live="polite" aria-relevant="additions" aria-labelledby="queue-title" data-testid="queue">
        {items?.map((item) => (
          <QueueCard key={item.post.id} item={item} onOutcome={(o) => outcome(o, item)} onDismissed={(f, next) => flagDismissed(item, f, next)} />
        ))}
      </ul>
      {/* aria-disabled while loading: it keeps the keyboard's focus until the cards come. */}
      {next && <button type="button" class="secondary" aria-disabled={loadingMore || undefined} onClick={() => void more()}>Load more of the queue</button>}
    </section>
  );
}
