// Admin › Forums: create one, rename and describe it, move it up or down the list, archive it
// (read-only) or open it again. The list is always the server's answer after each change.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Forum } from '../../../shared/schemas/index.js';
import { adminApi } from '../admin-api.js';
import { Field, FormError, useSubmit } from '../forms.js';

export function AdminForumsSection() {
  const [forums, setForums] = useState<Forum[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Only the newest list is shown: an older reload that answers late must not undo a newer one.
  const latest = useRef(0);
  const reload = async () => {
    const mine = ++latest.current;
    try {
      const list = await adminApi.forums();
      if (mine === latest.current) setForums(list);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Something went wrong.');
    }
  };
  useEffect(() => void reload(), []);

  /** Runs a change, shows the list as it is now, and only then says what happened. */
  const changed = async (said: string, change: () => Promise<unknown>) => {
    setError(null);
    let done = false;
    try {
      await change();
      done = true;
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Something went wrong.');
    }
    await reload();
    if (done) setMessage(said);
  };
  const move = (f: Forum, to: number) =>
    changed(`${f.title} moved to place ${to + 1}.`, () => adminApi.updateForum(f.id, { position: to }));
  const archive = (f: Forum, archived: boolean) =>
    changed(archived ? `${f.title} is archived: it is read-only now.` : `${f.title} is open again.`, () => adminApi.updateForum(f.id, { archived }));

  return (
    <section aria-labelledby="admin-forums-title" class="mod-section">
      <h2 id="admin-forums-title">Forums</h2>
      <p role="status" class="mod-message" data-testid="admin-forums-message">{message ?? ''}</p>
      <FormError>{error}</FormError>
      {forums === null && !error && <p aria-busy="true">Loading…</p>}
      <ol class="cards" data-testid="admin-forums" aria-label="Forums in the order readers see them">
        {forums?.map((f, i) => (
          <ForumRow key={f.id} forum={f} first={i === 0} last={i === forums.length - 1}
            onUp={() => void move(f, i - 1)} onDown={() => void move(f, i + 1)} onArchive={(a) => void archive(f, a)}
            onSaved={(g) => void changed(`${g.title} is saved.`, async () => {})} />
        ))}
      </ol>
      <NewForum onCreated={(f) => void changed(`${f.title} is created.`, async () => {})} />
    </section>
  );
}

function ForumRow({ forum: f, first, last, onUp, onDown, onArchive, onSaved }: {
  forum: Forum; first: boolean; last: boolean; onUp(): void; onDown(): void; onArchive(archived: boolean): void; onSaved(f: Forum): void;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(f.title);
  const [description, setDescription] = useState(f.description);
  const id = `admin-forum-${f.id}`;
  const save = useSubmit(async () => adminApi.updateForum(f.id, { title, description }), (g) => {
    setEditing(false);
    onSaved(g);
  });

  return (
    <li class="card" aria-labelledby={`${id}-title`} data-testid="admin-forum" data-forum-id={f.id}>
      <h3 id={`${id}-title`}><a href={`/f/${f.id}`}>{f.title}</a>{f.archived && <span class="badge"> · archived (read-only)</span>}</h3>
      {f.description && <p>{f.description}</p>}
      <div class="actions" role="group" aria-label={`Change ${f.title}`}>
        <button type="button" class="secondary" disabled={first} onClick={onUp} aria-label={`Move up: ${f.title}`}>Move up</button>
        <button type="button" class="secondary" disabled={last} onClick={onDown} aria-label={`Move down: ${f.title}`}>Move down</button>
        <button type="button" class="secondary" onClick={() => setEditing(!editing)} aria-expanded={editing} aria-label={`Edit ${f.title}`}>Edit</button>
        <button type="button" class="secondary" onClick={() => onArchive(!f.archived)} aria-label={`${f.archived ? 'Unarchive' : 'Archive'} ${f.title}`}>
          {f.archived ? 'Unarchive' : 'Archive'}
        </button>
      </div>
      {editing && (
        <form onSubmit={save.submit} class="mod-form" noValidate>
          <fieldset>
            <legend>Edit {f.title}</legend>
            <Field id={`${id}-edit-title`} label="Title" value={title} onInput={setTitle} maxLength={100} required error={save.errors.title} />
            <Field id={`${id}-edit-description`} label="Description" value={description} onInput={setDescription} maxLength={500}
              multiline rows={2} error={save.errors.description} />
            <FormError>{save.formError}</FormError>
            <button type="submit" aria-disabled={save.busy || undefined}>{save.busy ? 'Saving…' : 'Save'}</button>
          </fieldset>
        </form>
      )}
    </li>
  );
}

function NewForum({ onCreated }: { onCreated(f: Forum): void }) {
  const [slug, setSlug] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const create = useSubmit(() => adminApi.createForum({ slug: slug.trim(), title, description }), (f) => {
    setSlug('');
    setTitle('');
    setDescription('');
    onCreated(f);
  });
  return (
    <form onSubmit={create.submit} class="mod-form" noValidate>
      <fieldset>
        <legend>Create a forum</legend>
        <Field id="new-forum-slug" label="Short name" value={slug} onInput={setSlug} maxLength={48} required autoComplete="off"
          hint="2–48 lowercase letters, digits or dashes; it cannot change later." error={create.errors.slug} />
        <Field id="new-forum-title" label="Title" value={title} onInput={setTitle} maxLength={100} required error={create.errors.title} />
        <Field id="new-forum-description" label="Description" value={description} onInput={setDescription} maxLength={500} multiline rows={2}
          error={create.errors.description} />
        <FormError>{create.formError}</FormError>
        <button type="submit" aria-disabled={create.busy || undefined}>{create.busy ? 'Creating…' : 'Create forum'}</button>
      </fieldset>
    </form>
  );
}
