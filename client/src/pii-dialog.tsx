import type { Ref } from 'preact';
import type { PiiFinding, PiiType } from '../../shared/pii/index.js';
import type { FieldFinding } from '../../shared/schemas/index.js';
import { PII_LABEL, PUBLIC_NOTICE } from './pii-view.js';

/** A finding with the text its offsets point into (a thread's title, or the post's Markdown). */
export type DraftFinding = PiiFinding & { field?: FieldFinding['field'] };

/** shared/pii's maskPiiAsRead, loaded with the detector. */
export type MaskFn = typeof import('../../shared/pii/index.js').maskPiiAsRead;

const NOUN: Record<PiiType, [one: string, many: string]> = {
  EMAIL: ['e-mail address', 'e-mail addresses'],
  PHONE: ['phone number', 'phone numbers'],
  IP_ADDRESS: ['IP address', 'IP addresses'],
  CREDIT_CARD: ['card number', 'card numbers'],
  US_SSN: ['social security number', 'social security numbers'],
  IBAN: ['bank account number', 'bank account numbers'],
  SECRET: ['secret', 'secrets'],
};

/** Whether a finding is published masked, given the types the author chose to mask. */
export const willMask = (f: PiiFinding, masked: ReadonlySet<PiiType>) =>
  f.severity === 'sensitive' || (f.severity === 'warn' && masked.has(f.type));

/**
 * The value as readers will see it: the source span, masked as the server masks it (lengths are
 * kept, so the offsets still point at it). Without the masking code yet, a masked value is not shown.
 */
function published(f: DraftFinding, draft: { title?: string; body: string }, masked: boolean, mask: MaskFn | null): string | null {
  const title = f.field === 'title';
  const text = title ? draft.title ?? '' : draft.body;
  if (!masked) return text.slice(f.start, f.end);
  if (!mask) return null;
  return mask(text, [f], title ? 'plain' : 'markdown', new Set([f.type])).slice(f.start, f.end);
}

export interface PiiDialogProps {
  idPrefix: string;
  findings: DraftFinding[];
  draft: { title?: string; body: string };
  /** Types the author chose to mask although they would be published as written. */
  masked: ReadonlySet<PiiType>;
  onMaskChange(type: PiiType, mask: boolean): void;
  mask: MaskFn | null;
  busy: boolean;
  onPublish(): void;
  onEdit(): void;
  editRef: Ref<HTMLButtonElement>;
}

/**
 * What publishing will show, value by value (masked values masked, the rest as written), with a
 * choice to mask what would be published as written. "Go back and edit" comes first and takes the
 * focus: going back is the safe answer to a dialog about personal data.
 */
export function PiiDialogBody(p: PiiDialogProps) {
  const byType = new Map<PiiType, DraftFinding[]>();
  for (const f of p.findings) byType.set(f.type, [...(byType.get(f.type) ?? []), f]);
  const blocked = p.findings.some((f) => f.severity === 'block');
  const anyMasked = p.findings.some((f) => willMask(f, p.masked));
  return (
    <>
      <h2 id={`${p.idPrefix}-dialog-title`}>Personal data in your post</h2>
      <p>{PUBLIC_NOTICE} {blocked ? 'This cannot be posted as it is:' : 'This is exactly what will be published:'}</p>
      <ul class="findings" data-testid={`${p.idPrefix}-pii-published`}>
        {[...byType.entries()].map(([type, fs]) => {
          const sev = fs[0]!.severity;
          const masked = willMask(fs[0]!, p.masked);
          const optional = sev === 'warn' || (sev === 'sensitive' && p.masked.has(type));
          const values = [...new Set(fs.map((f) => published(f, p.draft, masked, p.mask)))].slice(0, 10);
          const [one, many] = NOUN[type];
          const checkbox = `${p.idPrefix}-mask-${type}`;
          return (
            <li key={type} class={`finding finding-${masked ? 'sensitive' : sev}`}>
              <strong>{fs.length > 1 ? `${fs.length}× ` : ''}{PII_LABEL[type]}</strong>
              {sev === 'block' ? ' — cannot be posted here; please remove it.' : masked ? ' — masked: all but the last four characters hidden.' : ' — published as written.'}
              {sev !== 'block' && (
                <span class="pii-values">
                  {values.map((v, i) => <code key={i} class="pii-value" data-testid="pii-value">{v ?? 'masked'}</code>)}
                </span>
              )}
              {optional && (
                <label class="pii-mask-choice" for={checkbox}>
                  <input type="checkbox" id={checkbox} checked={p.masked.has(type)}
                    onChange={(e) => p.onMaskChange(type, (e.currentTarget as HTMLInputElement).checked)} />
                  <span>Mask the {fs.length > 1 ? many : one}: show only the last four characters</span>
                </label>
              )}
            </li>
          );
        })}
      </ul>
      <div class="actions">
        <button type="button" class="secondary" ref={p.editRef} onClick={p.onEdit}>Go back and edit</button>
        {!blocked && <button type="button" onClick={p.onPublish} aria-disabled={p.busy || undefined}>{anyMasked ? 'Mask and post' : 'Post anyway'}</button>}
      </div>
    </>
  );
}
