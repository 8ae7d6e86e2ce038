// One audit entry in words: who did what to what, each named and linked; the page shows no raw id
// and no action code.
import type { AuditEntry, AuthorRef } from '../../../shared/schemas/index.js';
import { when } from '../format.js';
import { AUDIT_ACTION_LABEL } from '../mod-api.js';
import { FORMER_MEMBER_ID, UserLink } from '../user-link.js';

const enc = encodeURIComponent;

/** The action in words; an action this page does not know yet still reads as words. */
export const actionWords = (e: Pick<AuditEntry, 'action'>): string => AUDIT_ACTION_LABEL[e.action] ?? 'a moderation action';

/**
 * A person by name, linked to their profile, with the moderators' user lookup beside it; a deleted
 * account is "former member", unlinked.
 */
export function Person({ who }: { who: AuthorRef }) {
  if (who.id === FORMER_MEMBER_ID) return <UserLink who={who} />;
  return (
    <>
      <UserLink who={who} />
      {' '}<a class="meta" href={`/mod?user=${enc(who.username)}`} aria-label={`Look up ${who.username}`}>(look up)</a>
    </>
  );
}

/** What the action was done to, by name, linked to where a moderator can see it. */
export function AuditTarget({ target }: { target: AuditEntry['target'] }) {
  switch (target.kind) {
    case 'post':
      if (!target.thread) return <span>a post that is no longer stored</span>;
      return <span>a post in <a href={`/t/${enc(target.thread.id)}#post-${enc(target.id)}`}>{target.thread.title ?? 'a purged thread'}</a></span>;
    case 'thread':
      return <span>thread <a href={`/t/${enc(target.id)}`}>{target.title ?? '(title purged)'}</a></span>;
    case 'user':
      return <span>member <Person who={target.user} /></span>;
    case 'forum':
      return target.title === null ? <span>a forum that is no longer there</span> : <span>forum <a href={`/f/${enc(target.id)}`}>{target.title}</a></span>;
  }
}

export function AuditRow({ entry: e }: { entry: AuditEntry }) {
  return (
    // Focusable: after "Load more" the first entry it brought takes the focus (audit.tsx).
    <tr data-testid="audit-entry" data-id={e.id} tabIndex={-1}>
      <td><time dateTime={e.at}>{when(e.at)}</time></td>
      <td><Person who={e.actor} /></td>
      <td>{actionWords(e)}</td>
      <td><AuditTarget target={e.target} /></td>
      <td>
        {e.reason || <span class="meta">{e.reasonBy ? 'erased with its author\'s account' : 'none given'}</span>}
        {e.reasonBy && <span class="meta"> · from a flag by <Person who={e.reasonBy} /></span>}
      </td>
    </tr>
  );
}
