// The bio anyone sees on your profile: plain text, scanned for personal data like a post.
import { useState } from 'preact/hooks';
import type { Me } from '../../../shared/schemas/index.js';
import { accountApi } from '../account-api.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { PiiConfirm, usePiiAcknowledgement } from '../pii-view.js';
import { profilePath } from '../user-link.js';
import { Section } from './section.js';

const MAX = 1000;

export function BioSection({ me, onChanged }: { me: Me; onChanged(me: Me): void }) {
  const [bio, setBio] = useState(me.bio);
  const [message, setMessage] = useState('');
  const pii = usePiiAcknowledgement();
  const { busy, errors, formError, submit } = useSubmit(async () => {
    setMessage('');
    return pii.guard((ack) => accountApi.setBio(bio, ack));
  }, (next) => {
    setBio(next.bio);
    onChanged(next);
    setMessage(next.bio ? 'Your bio is saved and shown on your profile.' : 'Your bio is removed from your profile.');
  });
  return (
    <Section id="bio" title="About you">
      <p>Anyone can read this on <a href={profilePath(me.username)}>your profile</a>, signed in or not. No password is needed to change it.</p>
      <form onSubmit={submit} noValidate>
        <Field id="bio-text" label="Bio" value={bio} onInput={setBio} multiline rows={4} maxLength={MAX}
          hint={`Plain text, up to ${MAX} characters. Leave it empty to remove it.`} error={errors.bio} />
        <FormError>{formError}</FormError>
        {pii.pending && <PiiConfirm findings={pii.pending} busy={busy} onConfirm={() => { pii.accept(); void submit(); }} />}
        <div class="actions">
          <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Saving…' : 'Save bio'}</button>
        </div>
      </form>
      <p role="status" class="outcome" data-testid="bio-outcome">{message}</p>
    </Section>
  );
}
