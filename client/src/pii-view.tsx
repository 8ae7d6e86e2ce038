import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { PiiFinding, PiiType } from '../../shared/pii/index.js';
import { ApiFailure } from './api.js';

export const PII_LABEL: Record<PiiType, string> = {
  EMAIL: 'an e-mail address',
  PHONE: 'a phone number',
  IP_ADDRESS: 'an IP address',
  CREDIT_CARD: 'a payment card number',
  US_SSN: 'a US social security number',
  IBAN: 'a bank account number (IBAN)',
  SECRET: 'a password, key or access token',
};

export const PUBLIC_NOTICE = 'Everything posted here is public: anyone can read, collect or use it.';

/** The draft with each finding wrapped in <mark>, as text nodes (never as HTML). */
export function Highlighted({ text, findings }: { text: string; findings: PiiFinding[] }) {
  const parts: (string | { text: string; f: PiiFinding })[] = [];
  let at = 0;
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    if (f.start < at) continue;
    parts.push(text.slice(at, f.start), { text: text.slice(f.start, f.end), f });
    at = f.end;
  }
  parts.push(text.slice(at));
  return (
    <pre class="pii-mirror" aria-label="Your draft with personal data highlighted">
      {parts.map((p, i) => (typeof p === 'string' ? p : (
        <mark key={i} class={`pii pii-${p.f.severity}`} title={PII_LABEL[p.f.type]}>{p.text}</mark>
      )))}
    </pre>
  );
}

export function FindingsList({ findings }: { findings: PiiFinding[] }) {
  const byType = new Map<PiiType, PiiFinding[]>();
  for (const f of findings) byType.set(f.type, [...(byType.get(f.type) ?? []), f]);
  return (
    <ul class="findings">
      {[...byType.entries()].map(([type, fs]) => {
        const sev = fs[0]!.severity;
        return (
          <li key={type} class={`finding finding-${sev}`}>
            <strong>{fs.length > 1 ? `${fs.length}× ` : ''}{PII_LABEL[type]}</strong>
            {sev === 'sensitive' && ' — will be masked: all but the last four characters hidden.'}
            {sev === 'warn' && ' — will be published as written.'}
            {sev === 'block' && ' — cannot be posted here; please remove it.'}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * For plain-text forms (testimonials): the server answers 422 `pii_unacknowledged` with findings;
 * this keeps them, and the types the author then accepts go with the next submit.
 */
export function usePiiAcknowledgement() {
  const [pending, setPending] = useState<PiiFinding[] | null>(null);
  const accepted = useRef<PiiType[]>([]);
  /** Runs a send with the accepted types; a 422 with findings is kept for the author to review. */
  const guard = async <T,>(send: (acknowledgePii: PiiType[]) => Promise<T>): Promise<T> => {
    try {
      const r = await send(accepted.current);
      setPending(null);
      accepted.current = [];
      return r;
    } catch (err) {
      const findings = err instanceof ApiFailure && err.code === 'pii_unacknowledged' ? (err.details.findings as PiiFinding[] | undefined) : undefined;
      if (findings) setPending(findings);
      throw err;
    }
  };
  const accept = () => {
    accepted.current = [...new Set((pending ?? []).map((f) => f.type))];
  };
  return { pending, guard, accept };
}

/** The findings of a refused plain-text save, with the button that saves it as the server will publish it. */
export function PiiConfirm({ findings, busy, onConfirm }: { findings: PiiFinding[]; busy: boolean; onConfirm(): void }) {
  const blocked = findings.some((f) => f.severity === 'block');
  const panel = useRef<HTMLDivElement>(null);
  // Saved, the panel goes: the keyboard's focus goes on to the form's own submit button, where a
  // save leaves it, not to the page. A layout cleanup runs while the panel is still on the page.
  useLayoutEffect(() => {
    const el = panel.current;
    const formSubmit = el?.closest('form')?.querySelector<HTMLElement>('button[type="submit"]');
    return () => {
      const active = document.activeElement;
      const dropped = !active || active === document.body || !!el?.contains(active);
      if (dropped && formSubmit?.isConnected) formSubmit.focus();
    };
  }, []);
  return (
    <div class="confirm-panel" role="group" aria-label="Personal data found" data-testid="pii-confirm" ref={panel}>
      <p>{PUBLIC_NOTICE} This text holds:</p>
      <FindingsList findings={findings} />
      {/* aria-disabled while saving: it keeps the focus until the panel goes (the form's submit refuses a second press). */}
      {!blocked && <button type="button" aria-disabled={busy || undefined} onClick={() => {
        if (!busy) onConfirm();
      }}>Save it as described</button>}
    </div>
  );
}
