// What you wrote and did: posts, threads, flags and testimonials, as the export holds them.
import type { ExportData, ExportFlag, ExportPost } from '../../../shared/schemas/index.js';
import { when } from '../format.js';
import { plural, Section } from './section.js';

const HELD_REASON: Record<string, string> = {
  new_account: 'because your account is new',
  pii: 'because it may contain personal data',
  flags: 'because members flagged it',
};
const FLAG_STATUS: Record<ExportFlag['status'], string> = {
  open: 'waiting for a moderator',
  dismissed: 'dismissed by a moderator',
  actioned: 'a moderator acted on it',
};

function postStatus(p: ExportPost): string {
  if (p.status === 'visible') return 'Published';
  if (p.status === 'held') return `Waiting for a moderator's review${p.heldReason && HELD_REASON[p.heldReason] ? ` ${HELD_REASON[p.heldReason]}` : ''}`;
  return p.removal ? `Removed on ${when(p.removal.at)}: ${p.removal.reason}` : 'Removed';
}

export function PostsSection({ data }: { data: ExportData }) {
  const titles = new Map(data.threads.map((t) => [t.id, t.title]));
  const posts = [...data.posts].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <Section id="posts" title={`Your posts (${posts.length})`}>
      {posts.length === 0 ? <p>You have not posted anything.</p> : (
        <ul class="data-items">
          {posts.map((p) => (
            <li key={p.id} class={`data-item ${p.status}`} data-testid="my-post">
              <p class="meta">
                <span class={`status-badge ${p.status}`}>{postStatus(p)}</span>
                {' · '}{when(p.createdAt)}{p.editedAt ? ` (edited ${when(p.editedAt)})` : ''}
                {' · '}<a href={`/t/${encodeURIComponent(p.threadId)}`}>{titles.has(p.threadId) ? `In your thread "${titles.get(p.threadId)}"` : 'Open the thread'}</a>
              </p>
              {p.source !== null ? <p class="data-text">{p.source}</p> : <p class="tombstone">Its text was erased for good.</p>}
              {p.piiTypes.length > 0 && <p class="meta">Personal data found in it: {p.piiTypes.join(', ')}</p>}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

export function ThreadsSection({ data }: { data: ExportData }) {
  return (
    <Section id="threads" title={`Threads you started (${data.threads.length})`}>
      {data.threads.length === 0 ? <p>You have not started a thread.</p> : (
        <ul class="data-items compact">
          {data.threads.map((t) => (
            <li key={t.id} class="data-item">
              <a href={`/t/${encodeURIComponent(t.id)}`}>{t.title}</a>
              <span class="meta"> · {when(t.createdAt)}{t.locked ? ' · locked' : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

export function FlagsSection({ flags }: { flags: ExportFlag[] }) {
  return (
    <Section id="flags" title={`Posts you flagged (${flags.length})`}>
      {flags.length === 0 ? <p>You have not flagged any post.</p> : (
        <ul class="data-items compact">
          {flags.map((f) => (
            <li key={f.id} class="data-item">
              <span class="flag-reason">{f.reason}</span>
              <span class="meta"> · {when(f.createdAt)} · {FLAG_STATUS[f.status]} · post <code>{f.postId}</code></span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

export function TestimonialsSummary({ data }: { data: ExportData }) {
  const items = data.testimonials;
  const consented = items.filter((t) => t.consent).length;
  return (
    <Section id="my-testimonials" title={`Your testimonials (${items.length})`}>
      <p>
        {items.length === 0 ? 'You have not written a testimonial.'
          : `You wrote ${plural(items.length, 'testimonial')}; you agreed to publication of ${consented === 0 ? 'none of them' : consented === items.length ? (items.length === 1 ? 'it' : 'all of them') : consented}.`}
        {' '}<a href="/testimonials">Write testimonials, edit them or withdraw your consent</a>.
      </p>
    </Section>
  );
}
