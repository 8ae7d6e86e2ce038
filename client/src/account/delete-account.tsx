// Deleting the account: choose what happens to the posts, confirm with the password, then once more.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ExportData, PostsChoice } from '../../../shared/schemas/index.js';
import { ApiFailure } from '../api.js';
import { accountApi } from '../account-api.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { plural } from './section.js';

export function DeleteSection({ data, onDeleted }: { data: ExportData; onDeleted(choice: PostsChoice): void }) {
  const [step, setStep] = useState<'closed' | 'choose' | 'confirm'>('closed');
  const [choice, setChoice] = useState<PostsChoice | null>(null);
  const [password, setPassword] = useState('');
  const [local, setLocal] = useState<Record<string, string | undefined>>({});
  const [serverErrorsShown, setServerErrorsShown] = useState(true);
  const firstControl = useRef<HTMLInputElement>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const posts = data.posts.length;
  const threads = data.threads.length;

  const { busy, running, errors, formError, submit } = useSubmit(async () => {
    try {
      await accountApi.deleteAccount(password, choice!);
    } catch (e) {
      setServerErrorsShown(true);
      if (e instanceof ApiFailure && e.field) setStep('choose'); // e.g. a wrong password: back to its field
      throw e;
    }
    return choice!;
  }, onDeleted);

  const focusChoose = () => {
    const bad = document.querySelector<HTMLElement>('#delete-account [aria-invalid="true"]');
    (bad ?? firstControl.current)?.focus();
  };
  useEffect(() => {
    if (step === 'confirm') confirmHeading.current?.focus();
    if (step === 'choose') focusChoose();
  }, [step]);
  // A refusal from the server (a wrong password) may render after the step change: focus its field then.
  useEffect(() => {
    if (step === 'choose' && Object.values(errors).some(Boolean)) focusChoose();
  }, [errors]);

  const error = (f: string) => local[f] ?? (serverErrorsShown ? errors[f] : undefined);

  const toConfirm = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string | undefined> = {};
    if (!choice) found.posts = 'Choose what happens to your posts.';
    if (!password) found.password = 'Enter your current password.';
    setLocal(found);
    setServerErrorsShown(false);
    if (found.posts) document.getElementById('delete-posts-remove')?.focus();
    else if (found.password) document.getElementById('delete-password')?.focus();
    else setStep('confirm');
  };

  const cancel = () => {
    setStep('closed');
    setPassword('');
    setChoice(null);
    setLocal({});
  };

  return (
    <section class="account-section danger-zone" id="delete-account" aria-labelledby="delete-title" data-testid="delete-account">
      <h2 id="delete-title">Delete my account</h2>
      <p>
        Deleting your account erases your profile, e-mail address, sessions, flags and testimonials at once.
        You choose what happens to your posts. Moderators' records of their own actions stay, without your personal data.
      </p>
      {step === 'closed' && (
        <div class="actions">
          <button type="button" class="danger" onClick={() => setStep('choose')}>Delete my account…</button>
        </div>
      )}
      {step === 'choose' && (
        <form onSubmit={toConfirm} noValidate class="delete-form">
          <fieldset class={`choice${error('posts') ? ' has-error' : ''}`} aria-describedby={error('posts') ? 'delete-posts-error' : undefined}>
            <legend>What should happen to your {plural(posts, 'post')}{threads ? ` and ${plural(threads, 'thread')}` : ''}?</legend>
            <label class="radio" for="delete-posts-remove">
              <input ref={firstControl} type="radio" id="delete-posts-remove" name="delete-posts" value="remove" checked={choice === 'remove'}
                onChange={() => setChoice('remove')} aria-describedby="delete-posts-remove-hint" />
              <span>
                <strong>Remove my posts</strong>
                <span class="hint" id="delete-posts-remove-hint">
                  Their text is erased for good and the titles of threads you started are replaced. Replies by others stay.
                </span>
              </span>
            </label>
            <label class="radio" for="delete-posts-anonymize">
              <input type="radio" id="delete-posts-anonymize" name="delete-posts" value="anonymize" checked={choice === 'anonymize'}
                onChange={() => setChoice('anonymize')} aria-describedby="delete-posts-anonymize-hint" />
              <span>
                <strong>Keep my posts as "former member"</strong>
                <span class="hint" id="delete-posts-anonymize-hint">
                  They stay readable, shown as written by "former member" instead of your name. Anything you wrote about yourself in them stays as written.
                </span>
              </span>
            </label>
            {error('posts') && <p class="field-error" id="delete-posts-error" role="alert">{error('posts')}</p>}
          </fieldset>
          <Field id="delete-password" label="Current password" type="password" value={password} onInput={setPassword}
            autoComplete="current-password" required error={error('password')} />
          <FormError>{serverErrorsShown ? formError : null}</FormError>
          <div class="actions">
            <button type="submit" class="danger">Continue</button>
            <button type="button" class="secondary" onClick={cancel}>Cancel</button>
          </div>
        </form>
      )}
      {step === 'confirm' && (
        <div class="confirm-panel" role="group" aria-labelledby="delete-confirm-title" data-testid="delete-confirm">
          <h3 id="delete-confirm-title" tabIndex={-1} ref={confirmHeading}>Delete your account for good?</h3>
          <p><strong>This cannot be undone.</strong> You will be signed out everywhere, and nobody can restore the account.</p>
          <ul>
            <li>Your profile and e-mail address, your sessions, flags and testimonials are deleted now.</li>
            <li>
              {choice === 'remove'
                ? `Your ${plural(posts, 'post')} will be removed${threads ? `, and the titles of your ${plural(threads, 'thread')} replaced` : ''}.`
                : `Your ${plural(posts, 'post')} will stay, shown as written by "former member".`}
            </li>
          </ul>
          <FormError>{formError}</FormError>
          {/* aria-disabled while deleting: the button keeps the keyboard's focus, and a refusal that is
              not about a field (the connection, say) leaves it there, under its message. */}
          <div class="actions">
            <button type="button" class="danger" onClick={() => void submit()} aria-disabled={busy || undefined}>
              {busy ? 'Deleting…' : 'Delete my account for good'}
            </button>
            <button type="button" class="secondary" aria-disabled={busy || undefined} onClick={() => {
              if (!running()) setStep('choose');
            }}>Go back</button>
          </div>
        </div>
      )}
    </section>
  );
}
