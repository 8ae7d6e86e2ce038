import { detectPii, maskPii, maskPiiAsRead, readAsShown, type PiiFinding, type PiiSeverity, type PiiType, type TextFormat } from '../../shared/pii/index.js';
import { renderPostBody } from './render.js';
import type { Mentionable } from './mention-links.js';
import { checkRendered, sourceSpanOf } from './rendered-check.js';
import { resolveOverlaps } from '../../shared/pii/resolve.js';
import { PiiUnacknowledged } from '../errors.js';

export type Severities = Record<PiiType, PiiSeverity>;

export interface FieldFinding extends PiiFinding {
  /** Which submitted text the offsets point into. */
  field: 'title' | 'body' | 'text';
}

export interface Draft {
  title?: string;
  body: string;
  acknowledge: readonly PiiType[];
  /** Types the author asked to have masked although they would be published as written. */
  mask?: readonly PiiType[];
}

export interface Prepared {
  /** The title and Markdown as they will be stored: sensitive findings already masked. */
  title?: string;
  source: string;
  html: string;
  piiTypes: PiiType[];
  findings: FieldFinding[];
  /** The lowercased names whose mentions the HTML links (keys of the `mentionable` given). */
  mentioned: string[];
}

function scan(draft: Pick<Draft, 'title' | 'body'>, severities: Severities): FieldFinding[] {
  const out: FieldFinding[] = [];
  // Titles are shown as written; bodies are Markdown, read as their rendered post shows them.
  if (draft.title !== undefined) for (const f of detectPii(draft.title, severities, 'plain')) out.push({ ...f, field: 'title' });
  for (const f of detectPii(draft.body, severities, 'markdown')) out.push({ ...f, field: 'body' });
  return out;
}

/**
 * The severities with the author's choice applied: a `warn` type they asked to mask is treated as
 * sensitive from the scan on, so the source, the rendered check and the findings all mask it.
 */
function withMasked(severities: Severities, mask: readonly PiiType[] = []): Severities {
  if (!mask.length) return severities;
  const out = { ...severities };
  for (const type of mask) if (out[type] === 'warn') out[type] = 'sensitive';
  return out;
}

const only = (findings: FieldFinding[], field: FieldFinding['field']) => findings.filter((f) => f.field === field);
const SENSITIVE = new Set<PiiSeverity>(['sensitive']);

function mask(text: string, findings: FieldFinding[], format: TextFormat): string {
  const sensitive = findings.filter((f) => SENSITIVE.has(f.severity));
  return sensitive.length ? maskPiiAsRead(text, sensitive, format) : text;
}

/** Throws 422 `pii_unacknowledged` (with the findings) when anything found is unacknowledged or blocked. */
function requireAcknowledged(findings: FieldFinding[], acknowledge: readonly PiiType[]): void {
  const acknowledged = new Set(acknowledge);
  if (findings.some((f) => f.severity === 'block')) {
    throw new PiiUnacknowledged('This text holds personal data that cannot be posted here; please remove it.', findings);
  }
  if (findings.some((f) => !acknowledged.has(f.type))) {
    throw new PiiUnacknowledged('This text holds personal data; review it and confirm before posting.', findings);
  }
}

/**
 * The content pipeline: scan title and body for personal data, check the author's
 * acknowledgements, mask sensitive spans, render Markdown and sanitize. Throws 422
 * `pii_unacknowledged` (with the findings) when anything found is unacknowledged or blocked;
 * then nothing may be stored.
 */
export function preparePost(draft: Draft, configured: Severities, mentionable?: Mentionable): Prepared {
  const severities = withMasked(configured, draft.mask);
  const findings = scan(draft, severities);
  requireAcknowledged(findings, draft.acknowledge);
  const body = publishBody(draft.body, findings, severities, mentionable);
  requireAcknowledged(body.findings, draft.acknowledge);
  return {
    title: draft.title === undefined ? undefined : mask(draft.title, only(findings, 'title'), 'plain'),
    source: body.source,
    html: body.html,
    piiTypes: [...new Set(body.findings.map((f) => f.type))],
    findings: body.findings,
    mentioned: body.mentioned,
  };
}

/**
 * The body's masked source and HTML. The rendered HTML is checked once more (./rendered-check.ts):
 * a masked kind the source reading missed joins the findings (its offsets where the source most
 * likely holds it), is masked in the source where it can be found there, and in the HTML always.
 */
function publishBody(text: string, findings: FieldFinding[], severities: Severities, mentionable?: Mentionable): { source: string; html: string; findings: FieldFinding[]; mentioned: string[] } {
  let source = mask(text, only(findings, 'body'), 'markdown');
  let linked = new Set<string>();
  const first = checkRendered(renderPostBody(source, mentionable, linked), severities);
  if (!first.found.length) return { source, html: first.html, findings, mentioned: [...linked] };
  const reading = readAsShown(source, 'markdown');
  // Located one by one, at most 20: a post made of hundreds of them is answered with whole-text spans.
  const missed: FieldFinding[] = first.found.map(({ value, ...f }, i) => {
    const at = i < 20 ? sourceSpanOf(reading, value) : null;
    return { ...f, start: at?.start ?? 0, end: at?.end ?? text.length, field: 'body' };
  });
  const located = missed.filter((f) => f.start > 0 || f.end < text.length);
  if (located.length) source = maskPii(source, located, new Set(located.map((f) => f.type)));
  linked = new Set<string>();
  const second = checkRendered(renderPostBody(source, mentionable, linked), severities);
  // The missed values win over what overlaps them (a phone number read inside a card number).
  const body = resolveOverlaps([...only(findings, 'body'), ...missed]).map((f): FieldFinding => ({ ...f, field: 'body' }));
  return { source, html: second.html, findings: [...findings.filter((f) => f.field !== 'body'), ...body], mentioned: [...linked] };
}

/** What publishing would produce (sensitive spans masked, mentions linked), and what was found; nothing stored. */
export function previewPost(body: string, configured: Severities, mask: readonly PiiType[] = [], mentionable?: Mentionable): { html: string; findings: FieldFinding[] } {
  const severities = withMasked(configured, mask);
  const published = publishBody(body, scan({ body }, severities), severities, mentionable);
  return { html: published.html, findings: published.findings };
}

/**
 * A plain-text field that others read as written (a testimonial; later a bio): the same scan as a
 * post's title, the same acknowledgement rule, sensitive spans masked. Throws like preparePost.
 */
export function preparePlainText(text: string, acknowledge: readonly PiiType[], configured: Severities, maskTypes: readonly PiiType[] = []): { text: string; piiTypes: PiiType[]; findings: FieldFinding[] } {
  const severities = withMasked(configured, maskTypes);
  const findings: FieldFinding[] = detectPii(text, severities, 'plain').map((f) => ({ ...f, field: 'text' }));
  requireAcknowledged(findings, acknowledge);
  return { text: mask(text, findings, 'plain'), piiTypes: [...new Set(findings.map((f) => f.type))], findings };
}
