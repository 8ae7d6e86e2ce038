// The audit log: every moderation action, newest first, filtered by moderator, action or target,
// in words (who did what to what, linked) and live: an entry written anywhere appears at the top.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AuditAction, AuditEntry, AuditFilter } from '../../../shared/schemas/index.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { errorText } from '../format.js';
import { AUDIT_ACTIONS } from '../../../shared/audit-actions.js';
import { AUDIT_ACTION_LABEL, modApi } from '../mod-api.js';
import { actionWords, AuditRow } from './audit-entry.js';
import { matchesFilter, watchAudit, withNewEntries } from './audit-feed.js';

export function AuditSection() {
  const [actorName, setActorName] = useState('');
  const [action, setAction] = useState<AuditAction | ''>('');
  const [targetId, setTargetId] = useState('');
  const [filter, setFilter] = useState<AuditFilter>({});
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [live, setLive] = useState(false);
  const [news, setNews] = useState('');
  // What the live feed compares an entry with: the filter shown, and the entries that arrived
  // while a read was under way (it may have been answered before they were written).
  const shown = useRef<AuditFilter>({});
  const arrived = useRef<AuditEntry[] | null>(null);

  const load = useSubmit(async () => {
    arrived.current = [];
    try {
      const f: AuditFilter = {};
      if (actorName.trim()) f.actor = (await modApi.findUser(actorName.trim(), 'actor')).id;
      if (action) f.action = action;
      if (targetId.trim()) f.targetId = targetId.trim();
      return { f, page: await modApi.audit(f) };
    } catch (e) {
      arrived.current = null;
      throw e;
    }
  }, ({ f, page }) => {
    const meanwhile = (arrived.current ?? []).filter((e) => matchesFilter(e, f));
    arrived.current = null;
    shown.current = f;
    setFilter(f);
    setEntries(withNewEntries(page.items, meanwhile));
    setNext(page.nextCursor);
    setMoreError(null);
    // A filter asked for while the first read (or another) was under way runs after it: see useSubmit.
  }, { latest: true });

  useEffect(() => watchAudit({
    entry: (e) => {
      arrived.current?.push(e);
      if (!matchesFilter(e, shown.current)) return;
      setEntries((list) => (list ? withNewEntries(list, [e]) : list));
      setNews(`New entry: ${actionWords(e)} by ${e.actor.username}.`);
    },
    joined: () => {
      // Back in the moderators' room: what was written while the socket was away comes from a read.
      const f = shown.current;
      modApi.audit(f).then((page) => {
        if (shown.current === f) setEntries((list) => (list ? withNewEntries(list, page.items) : list));
      }, () => {});
    },
    status: setLive,
  }), []);

  // The first read, and a re-read whenever the filters are cleared (after the fields have updated).
  const [reloads, setReloads] = useState(0);
  useEffect(() => void load.submit(), [reloads]);

  // After "Load more", the first entry it brought takes the focus: the button may be gone (no more
  // pages), and a keyboard user goes on where the older entries start.
  const focusEntry = useRef<string | null>(null);
  const loadingRef = useRef(false); // a ref, not the state: two presses before a re-render load one page
  useEffect(() => {
    if (focusEntry.current === null) return;
    document.querySelector<HTMLElement>(`[data-testid="audit-entry"][data-id="${CSS.escape(focusEntry.current)}"]`)?.focus();
    focusEntry.current = null;
  }, [entries]);

  const more = async () => {
    if (!next || loadingRef.current) return;
    loadingRef.current = true;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await modApi.audit(filter, next);
      setEntries((list) => {
        const merged = withNewEntries(list ?? [], page.items);
        const shown = new Set((list ?? []).map((e) => e.id));
        const brought = new Set(page.items.map((e) => e.id));
        focusEntry.current = merged.find((e) => brought.has(e.id) && !shown.has(e.id))?.id ?? null;
        return merged;
      });
      setNext(page.nextCursor);
    } catch (e) {
      setMoreError(errorText(e));
    } finally {
      loadingRef.current = false;
      setLoadingMore(false);
    }
  };

  const filtered = !!(filter.actor || filter.action || filter.targetId);
  return (
    <section aria-labelledby="audit-title" class="mod-section">
      <h2 id="audit-title">Audit log</h2>
      <p class="meta">
        <span class={`live ${live ? 'on' : 'off'}`} data-testid="audit-live">{live ? 'Live' : 'Connecting…'}</span>
        {' · '}New actions appear at the top as moderators take them.
      </p>
      <p role="status" class="meta" data-testid="audit-news">{news}</p>
      <form class="audit-filters" onSubmit={load.submit} noValidate aria-label="Filter the audit log">
        <Field id="audit-actor" label="Moderator (username)" type="search" value={actorName} onInput={setActorName} maxLength={32}
          autoComplete="off" error={load.errors.actor} />
        <div class={`field${load.errors.action ? ' has-error' : ''}`}>
          <label for="audit-action">Action</label>
          <select id="audit-action" value={action} onChange={(e) => setAction((e.currentTarget as HTMLSelectElement).value as AuditAction | '')}
            aria-invalid={load.errors.action ? true : undefined} aria-describedby={load.errors.action ? 'audit-action-error' : undefined}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => <option key={a} value={a}>{AUDIT_ACTION_LABEL[a]}</option>)}
          </select>
          {load.errors.action && <p class="field-error" id="audit-action-error" role="alert">{load.errors.action}</p>}
        </div>
        <Field id="audit-target" label="Target id" type="search" value={targetId} onInput={setTargetId} maxLength={64}
          autoComplete="off" hint="A post, thread or user id: every action on that one target." error={load.errors.targetId} />
        <div class="actions">
          <button type="submit" aria-disabled={load.busy || undefined}>{load.busy ? 'Loading…' : 'Show entries'}</button>
          {/* Never disabled: it keeps the keyboard's focus, and a read under way is followed by the cleared one. */}
          <button type="button" class="secondary" onClick={() => {
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
              {entries.map((e) => <AuditRow key={e.id} entry={e} />)}
            </tbody>
          </table>
        </div>
      )}
      {moreError && <p class="form-error" role="alert">{moreError}</p>}
      {/* aria-disabled while loading: a disabled button would drop the keyboard's focus to the page. */}
      {next && <button type="button" class="secondary" aria-disabled={loadingMore || undefined} onClick={() => void more()}>{loadingMore ? 'Loading…' : 'Load more'}</button>}
    </section>
  );
}
