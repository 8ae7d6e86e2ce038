import { preparePlainText, preparePost, previewPost, type Severities } from '../../../server/content/pipeline.js';
import { DEFAULT_SEVERITY } from '../../../shared/pii/index.js';
import { MASK_CHAR } from '../../../shared/pii/mask.js';

// An author may ask for an e-mail address or a phone number to be masked like a card number:
// `maskPii` lists those types; they are still found and must still be acknowledged.

const SEVERITIES = DEFAULT_SEVERITY as Severities;
const ADDRESS = 'jane.doe@example.org';
const PHONE = '+1 415 555 0132';
const BODY = `Write to **${ADDRESS}** or call ${PHONE}.`;

test('when the author asks to mask the e-mail address, then the stored source and the html show it masked and the phone as written', () => {
  const p = preparePost({ body: BODY, acknowledge: ['EMAIL', 'PHONE'], mask: ['EMAIL'] }, SEVERITIES);
  expect(p.html).not.toContain(ADDRESS);
  expect(p.source).not.toContain(ADDRESS);
  expect(p.html).toContain(`${MASK_CHAR.repeat(ADDRESS.length - 4)}.org`);
  expect(p.html).toContain(PHONE);
  expect(p.piiTypes.sort()).toEqual(['EMAIL', 'PHONE']);
  expect(p.findings.find((f) => f.type === 'EMAIL')?.severity).toBe('sensitive');
});

test('when nothing is asked, then an acknowledged e-mail address is published as written', () => {
  const p = preparePost({ body: BODY, acknowledge: ['EMAIL', 'PHONE'] }, SEVERITIES);
  expect(p.html).toContain(ADDRESS);
  expect(p.html).toContain(PHONE);
});

test('when a type is to be masked but not acknowledged, then the post is still refused with the findings', () => {
  expect(() => preparePost({ body: BODY, acknowledge: ['PHONE'], mask: ['EMAIL'] }, SEVERITIES)).toThrow(expect.objectContaining({ code: 'pii_unacknowledged' }));
});

test('when a title holds a phone number to be masked, then the stored title keeps only its last four digits', () => {
  const p = preparePost({ title: `Call ${PHONE}`, body: 'see title', acknowledge: ['PHONE'], mask: ['PHONE'] }, SEVERITIES);
  expect(p.title).not.toContain('415');
  expect(p.title).toMatch(/0132$/);
});

test('when a type is blocked or off by configuration, then asking to mask it changes nothing', () => {
  const blocked = { ...SEVERITIES, EMAIL: 'block' } as Severities;
  expect(() => preparePost({ body: BODY, acknowledge: ['EMAIL', 'PHONE'], mask: ['EMAIL'] }, blocked)).toThrow(expect.objectContaining({ code: 'pii_unacknowledged' }));
  const off = { ...SEVERITIES, EMAIL: 'off' } as Severities;
  expect(preparePost({ body: BODY, acknowledge: ['PHONE'], mask: ['EMAIL'] }, off).html).toContain(ADDRESS);
});

test('the preview and plain-text fields (testimonials) mask on request the same way', () => {
  expect(previewPost(BODY, SEVERITIES, ['PHONE']).html).not.toContain(PHONE);
  expect(previewPost(BODY, SEVERITIES).html).toContain(PHONE);
  const t = preparePlainText(`Mail ${ADDRESS}`, ['EMAIL'], SEVERITIES, ['EMAIL']);
  expect(t.text).not.toContain(ADDRESS);
  expect(t.text.endsWith('.org')).toBe(true);
});
