// The audit log: every moderation action, newest first, filtered by moderator, action or target.
import { useEffect, useState } from 'preact/hooks';
import type { AuditAction, AuditEntry, AuditFilter } from '../../../shared/schemas/index.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { errorText, when } from '../format.js';
import { AUDIT_ACTIONS } from '../../../shared/audit-actions.js';
import { AUDIT_ACTION_LABEL, modApi } from '../mod-api.js';

export function AuditSection() {
  const [actorName, setActorName] = useState('');
  const [action, setAction] = useState<AuditAction | ''>('');
  const [targetId, setTargetId] = useState('');
  const [filter, setFilter] = useState<AuditFilter>({});
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const load = useSubmit(async () => {
    const f: AuditFilter = {};
    if (actorName.trim()) f.actor = (await modApi.findUser(actorName.trim(), 'actor')).id;
    if (action) f.action = action;
    if (targetId.trim()) f.targetId = targetId.trim();
    return { f, page: await modApi.audit(f) };
  }, ({ f, page }) => {
    setFilter(f);
    setEntries(page.items);
    setNext(page.nextCursor);
    setMoreError(null);
  });

  // The first read, and a re-read whenever the filters are cleared (after the fields have updated).
  const [reloads, setReloads] = useState(0);
  useEffect(() => void load.submit(), [reloads]);

  const more = async () => {
    if (!next || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await modApi.audit(filter, next);
      setEntries((list) => [...(list ?? []), ...page.items]);
      setNext(page.nextCursor);
    } catch (e) {
      setMoreError(errorText(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const filtered = !!(filter.actor || filter.action || filter.targetId);
  return (
    <section aria-labelledby="audit-title" class="mod-section">
      <h2 id="audit-title">Audit log</h2>
      <form class="audit-filters" onSubmit={load.submit} noValidate aria-label="Filter the audit log">
        <Field id="audit-actor" label="Moderator (username)" type="search" value={actorName} onInput={setActorName} maxLength={32}
          autoComplete="off" error={load.errors.actor} />
        <div class={`field${load.errors.action ? ' has-error' : ''}`}>
          <label for="audit-action">Action</label>
          <select id="audit-action" value={action} onChange={(e) => setAction((e.currentTarget as HTMLSelectElement).value as AuditAction | '')}
            aria-invalid={load.errors.action ? true : undefined} aria-describedby={load.errors.action ? 'audit-action-error' : undefined}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => <option key={a} value={a}>{a} ({AUDIT_ACTION_LABEL[a]})</option>)}
          </select>
          {load.errors.action && <p class="field-error" id="audit-action-error" role="alert">{load.errors.action}</p>}
        </div>
        <Field id="audit-target" label="Target id" type="search" value={targetId} onInput={setTargetId} maxLength={64}
          autoComplete="off" hint="A post, thread or user id." error={load.errors.targetId} />
        <div class="actions">
          <button type="submit" disabled={load.busy}>{load.busy ? 'Loading…' : 'Show entries'}</button>
          <button type="button" class="secondary" disabled={load.busy} onClick={() => {
            setActorName('');
            setAction('');
            setTargetId('');
            setReloads((n) => n + 1);
          }}>Clear filters</button>
        </div>
      </form>
      <FormError>{load.formError}</FormError>
      {entries === null && !load.formError && <p aria-busy="true">Loading the audit log…</p>}
      {entries?.length === 0 && <p role="status">{filtered ? 'No entries match these filters.' : 'No moderation actions yet.'}</p>}
      {entries && entries.length > 0 && (
        <div class="table-wrap">
          <table class="audit" data-testid="audit-table">
            <caption>Moderation actions, newest first{filtered ? ' (filtered)' : ''}</caption>
            <thead>
              <tr><th scope="col">When</th><th scope="col">Moderator</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Reason</th></tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="audit-entry">
                  <td><time dateTime={e.at}>{when(e.at)}</time></td>
                  <td>{e.actor.username}</td>
                  <td><code>{e.action}</code></td>
                  <td>
                    {e.target.kind}{' '}
                    {e.target.kind === 'thread' ? <a href={`/t/${e.target.id}`}><code>{e.target.id}</code></a> : <code>{e.target.id}</code>}
                  </td>
                  <td>
                    {e.reason || <span class="meta">{e.reasonBy ? 'erased with its author\'s account' : 'none given'}</span>}
                    {e.reasonBy && <span class="meta"> · from a flag by {e.reasonBy.username}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {moreError && <p class="form-error" role="alert">{moreError}</p>}
      {next && <button type="button" class="secondary" disabled={loadingMore} onClick={() => void more()}>{loadingMore ? 'Loading…' : 'Load more'}</button>}
    </section>
  );
}
