import { h, type ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiFailure } from './api.js';

interface FieldProps {
  id: string;
  label: string;
  type?: "text" | "password" | "email" | "search" | "url";
  value: string;
  onInput(value: string): void;
  error?: string;
  hint?: string;
  autoComplete?: string;
  required?: boolean;
  maxLength?: number;
  multiline?: boolean;
  rows?: number;
}

/** A labelled input whose error sits right under it and is announced with it. */
export function Field(p: FieldProps) {
  const describedBy = [p.hint ? `${p.id}-hint` : '', p.error ? `${p.id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id: p.id,
    name: p.id,
    value: p.value,
    required: p.required,
    maxLength: p.maxLength,
    'aria-invalid': p.error ? true : undefined,
    'aria-describedby': describedBy,
    onInput: (e: Event) => p.onInput((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      <label for={p.id}>{p.label}</label>
      {p.hint && <p class="hint" id={`${p.id}-hint`}>{p.hint}</p>}
      {p.multiline ? <textarea {...common} rows={p.rows ?? 6} /> : h('input', { ...common, type: p.type ?? 'text', autoComplete: p.autoComplete })}
      {p.error && <p class="field-error" id={`${p.id}-error`} role="alert">{p.error}</p>}
    </div>
  );
}

export type FieldErrors = Record<string, string | undefined>;

/**
 * Runs a submit: field errors go next to their field, anything else to the form's own message.
 * `latest`: for a form that only reads (a filter), a submit made while one runs is not refused but
 * runs once that one is done, with the fields as they are then, so what is shown is the last asked.
 */
export function useSubmit<T>(action: () => Promise<T>, onDone: (r: T) => void, { latest = false } = {}) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // Submit buttons stay enabled while busy (aria-disabled: a disabled button would drop the
  // keyboard's focus to the page), so this is what makes a double click or a second Enter submit
  // once; a ref, as the state may not have re-rendered between two events.
  const inFlight = useRef(false);
  const again = useRef(false);
  // The action and its answer as of the last render: a submit run again reads the fields as they are now.
  const current = useRef({ action, onDone });
  current.current = { action, onDone };
  const submit = async (e?: Event): Promise<void> => {
    e?.preventDefault();
    if (inFlight.current) {
      if (latest) again.current = true;
      return;
    }
    inFlight.current = true;
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      const answer = await current.current.action();
      current.current.onDone(answer);
    } catch (err) {
      if (err instanceof ApiFailure && err.fields) setErrors(err.fields);
      else if (err instanceof ApiFailure && err.field) setErrors({ [err.field]: err.message });
      else setFormError(err instanceof Error ? err.message : 'Something went wrong.');
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
    if (again.current) {
      again.current = false;
      // After a render, so the action reads the fields the member changed meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return submit();
    }
  };
  /** Whether a submit is on its way, read at the event (`busy` waits for a re-render). */
  const running = () => inFlight.current;
  return { busy, running, errors, formError, setFormError, submit };
}

export function FormError({ children }: { children: ComponentChildren }) {
  return children ? <p class="form-error" role="alert">{children}</p> : null;
}
