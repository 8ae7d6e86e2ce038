// A member's "Flag" for someone else's post, with the outcome shown next to the post.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Post } from '../../shared/schemas/index.js';
import { ApiFailure } from './api.js';
import { ReasonForm } from './mod-actions.js';
import { modApi } from './mod-api.js';

/** A member's "Flag" for someone else's post, with the outcome shown next to the post. */
export function FlagControl({ post, describedBy }: { post: Post; describedBy?: string }) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const notice = useRef<HTMLParagraphElement>(null);
  const [focus, setFocus] = useState<'opener' | 'notice' | null>(null);
  useEffect(() => {
    if (focus === 'opener') opener.current?.focus();
    if (focus === 'notice') notice.current?.focus();
    if (focus) setFocus(null);
  }, [focus]);
  const finish = (text: string) => {
    setOpen(false);
    setOutcome(text);
    setFocus('notice');
  };
  return (
    <div class="flag-control">
      {/* Not a live region: the outcome takes the focus as it appears, and is read then, once. */}
      {outcome && <p class="mod-notice" tabIndex={-1} ref={notice} data-testid="flag-outcome">{outcome}</p>}
      {!open && !outcome && (
        <button type="button" class="link-button" ref={opener} aria-expanded="false" aria-describedby={describedBy} onClick={() => setOpen(true)}>Flag</button>
      )}
      {open && (
        <ReasonForm idPrefix={`flag-${post.id}`} legend="Flag this post for the moderators" submitLabel="Send flag" busyLabel="Sending…"
          onCancel={() => {
            setOpen(false);
            setFocus('opener');
          }}
          send={async (reason) => {
            try {
              await modApi.flagPost(post.id, reason);
              finish('Thank you: the moderators will review this post.');
            } catch (e) {
              if (e instanceof ApiFailure && e.status === 409) finish(e.message);
              else throw e;
            }
          }} />
      )}
    </div>
  );
}
