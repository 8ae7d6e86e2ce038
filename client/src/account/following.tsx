// The threads you watch or muted and where you stopped reading each, as the export holds them.
import type { ExportData } from '../../../shared/schemas/index.js';
import { Section } from './section.js';

const LEVEL = { watching: 'You watch it', muted: 'You muted it' } as const;

export function FollowingSection({ data }: { data: ExportData }) {
  const rows = new Map<string, { title: string | null; level?: keyof typeof LEVEL; seq?: number }>();
  for (const s of data.notifications?.subscriptions ?? []) rows.set(s.threadId, { title: s.title, level: s.level });
  for (const r of data.notifications?.readPositions ?? []) rows.set(r.threadId, { ...rows.get(r.threadId), title: r.title, seq: r.lastReadSeq });
  return (
    <Section id="following" title={`Threads you follow or read (${rows.size})`}>
      {rows.size === 0 ? <p>You have not watched, muted or read a thread yet.</p> : (
        <ul class="data-items compact">
          {[...rows].map(([id, t]) => (
            <li key={id} class="data-item" data-testid="my-thread-state">
              {t.title !== null ? <a href={`/t/${encodeURIComponent(id)}`}>{t.title}</a> : <span>A thread you can no longer see (<code>{id}</code>)</span>}
              <span class="meta">
                {t.level ? ` · ${LEVEL[t.level]}` : ''}
                {t.seq !== undefined ? ` · read up to post ${t.seq}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
