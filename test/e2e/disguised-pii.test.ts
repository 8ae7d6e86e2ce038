import type { Browser, BrowserContext } from 'playwright-core';
import { PII_TYPES, type PiiType } from '../../shared/pii/index.js';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, launchBrowser, signedInPage } from '../helpers/browser.js';
import { signedIn, type Client } from '../helpers/http.js';

// A member tries to slip a card number, an SSN or an IBAN past the warning in every way the
// rendered page undoes. Whatever the source looks like, the text a reader's browser shows
// (innerText, read in a real Chromium) must not show the value, and the API must refuse the
// unacknowledged text with the finding.

const VISA = '4111111111111111';
const MASTERCARD = '5555555555554444';
const AMEX = '378282246310005';
const SSN = '345678901';
const IBAN_DE = '89370400440532013000';
const IBAN_GB = '8212345698765432';

interface Disguise {
  how: string;
  text: string;
  type: PiiType;
  /** The value's digits as a reader would read them. */
  digits: string;
}

const DISGUISES: readonly Disguise[] = [
  { how: 'HTML entities for the spaces', text: '4111&#32;1111&nbsp;1111&#x20;1111', type: 'CREDIT_CARD', digits: VISA },
  { how: 'an HTML comment and an empty span between groups', text: '5555 <!-- not a card -->5555 <span></span>5555 4444', type: 'CREDIT_CARD', digits: MASTERCARD },
  { how: 'entity dashes', text: '3782&#45;822463&#45;10005', type: 'CREDIT_CARD', digits: AMEX },
  { how: 'zero-width spaces and soft hyphens inside groups', text: '41\u200b11 11\u00ad11 1111 11\u200b11', type: 'CREDIT_CARD', digits: VISA },
  { how: 'Arabic-Indic digits', text: '\u0664\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661', type: 'CREDIT_CARD', digits: VISA },
  { how: 'full-width digits and ideographic spaces', text: '\uff15\uff15\uff15\uff15\u3000\uff15\uff15\uff15\uff15\u3000\uff15\uff15\uff15\uff15\u3000\uff14\uff14\uff14\uff14', type: 'CREDIT_CARD', digits: MASTERCARD },
  { how: 'emphasis around groups', text: '4111 **1111** 1111 *1111*', type: 'CREDIT_CARD', digits: VISA },
  { how: 'a soft line break between groups', text: '5555 5555\n5555 4444', type: 'CREDIT_CARD', digits: MASTERCARD },
  { how: 'groups spread over the cells of a table row', text: '| first | second | third | fourth |\n|---|---|---|---|\n| 4111 | 1111 | 1111 | 1111 |', type: 'CREDIT_CARD', digits: VISA },
  { how: 'every trick at once', text: '&#52;111&#32;<b>1111</b>&nbsp;**\u0661\u0661\u0661\u0661**<!-- -->\n\uff11\uff11\u200b\uff11\uff11', type: 'CREDIT_CARD', digits: VISA },
  { how: 'an SSN with entity dashes', text: '345&#45;67&#45;8901', type: 'US_SSN', digits: SSN },
  { how: 'an SSN with en dashes', text: '345\u201367\u20138901', type: 'US_SSN', digits: SSN },
  { how: 'an IBAN with no-break space entities and a comment', text: 'DE89&nbsp;3704&nbsp;0044<!-- -->&nbsp;0532&nbsp;0130&nbsp;00', type: 'IBAN', digits: IBAN_DE },
  { how: 'an IBAN in full-width letters and digits', text: '\uff27\uff22\uff18\uff12 \uff37\uff25\uff33\uff34 \uff11\uff12\uff13\uff14 \uff15\uff16\uff19\uff18 \uff17\uff16\uff15\uff14 \uff13\uff12', type: 'IBAN', digits: IBAN_GB },
  { how: 'an IBAN spread over the cells of a table row', text: '| a | b | c | d | e | f |\n|---|---|---|---|---|---|\n| DE89 | 3704 | 0044 | 0532 | 0130 | 00 |', type: 'IBAN', digits: IBAN_DE },
];

/** The post as written by the member: a sentence without digits around the disguised value. */
const bodyOf = (d: Disguise): string => `Here it is, for the refund:\n\n${d.text}\n\nThanks for your help!`;

/**
 * Digits a reader sees, in whatever decimal script, as ASCII; everything else dropped. Written
 * here rather than taken from the detector, so the check does not share the code it checks:
 * Unicode decimal digits come in runs of ten starting at zero.
 */
function readerDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    if (!/\p{Nd}/u.test(ch)) continue;
    let zero = ch.codePointAt(0) as number;
    const cp = zero;
    while (/\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
    out += String((cp - zero) % 10);
  }
  return out;
}

let agora: Running;
let browser: Browser;
let member: Client;
let threadId: string;
const contexts: BrowserContext[] = [];

/** A forum thread on `running`, started by a fresh member who then writes every reply. */
async function threadOn(running: Running): Promise<{ member: Client; threadId: string }> {
  const admin = await signedIn(running.url, running.stores.users, 'admin');
  const writer = await signedIn(running.url, running.stores.users, 'member');
  const forumId = (await admin.post('/api/forums', { slug: 'disguised', title: 'Orders', description: '' })).body.forum.id;
  const thread = (await writer.post(`/api/forums/${forumId}/threads`, { title: 'Refund for my order', body: 'Where do I send my details?' })).body.thread;
  return { member: writer, threadId: thread.id };
}

/**
 * Posts every disguise acknowledged, then reads each post the way another member's Chromium
 * shows it: the digits of the post body's innerText, per disguise.
 */
async function postedAndRead(running: Running, on: { member: Client; threadId: string }, screenshot: string): Promise<{ d: Disguise; text: string; digits: string }[]> {
  const posted: { d: Disguise; id: string }[] = [];
  for (const d of DISGUISES) {
    const res = await on.member.post(`/api/threads/${on.threadId}/posts`, { body: bodyOf(d), acknowledgePii: [...PII_TYPES] });
    expect([d.how, res.status]).toEqual([d.how, 201]);
    posted.push({ d, id: res.body.post.id });
  }
  const reader = await signedInPage(browser, running);
  contexts.push(reader.context);
  await reader.page.goto(`${running.url}/t/${on.threadId}`);
  const read: { d: Disguise; text: string; digits: string }[] = [];
  for (const { d, id } of posted) {
    const body = reader.page.locator(`[data-post-id="${id}"] .post-body`);
    await body.waitFor();
    const text = await body.innerText();
    expect([d.how, text]).toEqual([d.how, expect.stringContaining('for the refund')]); // the post itself, not a tombstone
    read.push({ d, text, digits: readerDigits(text) });
  }
  await reader.page.screenshot({ path: artifact(screenshot), fullPage: true });
  expect(reader.problems).toEqual([]);
  return read;
}

beforeAll(async () => {
  agora = await startAgora({ env: { POST_RATE_PER_MINUTE: '1000' } });
  browser = await launchBrowser();
  ({ member, threadId } = await threadOn(agora));
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

test('each disguise the renderer undoes is refused with its finding until the member acknowledges it', async () => {
  const missed: string[] = [];
  for (const d of DISGUISES) {
    const res = await member.post(`/api/threads/${threadId}/posts`, { body: bodyOf(d) });
    const types = (res.body.error?.details?.findings ?? []).map((f: { type: string }) => f.type);
    if (res.status !== 422 || res.body.error.code !== 'pii_unacknowledged' || !types.includes(d.type)) {
      missed.push(`${d.how}: ${res.status} ${JSON.stringify(types)}, expected 422 with ${d.type}`);
    }
  }
  expect(missed).toEqual([]);
});

test('a reader in Chromium sees none of the disguised values once the member posts them acknowledged', async () => {
  const shown = (await postedAndRead(agora, { member, threadId }, 'disguised-pii-reader.png'))
    // Masking keeps at most the last four characters; nothing else of the value may show.
    .filter(({ d, digits }) => digits.length > 4 || !d.digits.endsWith(digits))
    .map(({ d, text }) => `${d.how}: the page shows ${JSON.stringify(text)}`);
  expect(shown).toEqual([]);
}, 60_000);

test('published as written (severity warn), every disguise shows its whole value on the page: the disguises are real', async () => {
  // The control for the test above: if a disguise did not render as the value, or the page were
  // read wrongly, that test would pass without proving anything.
  const asWritten = await startAgora({ env: { POST_RATE_PER_MINUTE: '1000', PII_SEVERITY: 'CREDIT_CARD:warn,US_SSN:warn,IBAN:warn' } });
  try {
    const read = await postedAndRead(asWritten, await threadOn(asWritten), 'disguised-pii-as-written.png');
    expect(read.filter(({ d, digits }) => digits !== d.digits).map(({ d, text }) => `${d.how}: ${JSON.stringify(text)}`)).toEqual([]);
  } finally {
    await asWritten.close();
  }
}, 60_000);

test('the reply box highlights a card number typed with entity spaces while the member writes', async () => {
  const writer = await signedInPage(browser, agora);
  contexts.push(writer.context);
  await writer.page.goto(`${agora.url}/t/${threadId}`);
  const disguised = '4111&#32;1111&#32;1111&#32;1111';
  await writer.page.getByLabel('Your reply').fill(`Charge it to ${disguised} please`);
  const warning = writer.page.getByTestId('reply-pii-warning');
  await warning.waitFor({ timeout: 10_000 });
  expect(await warning.textContent()).toContain('a payment card number');
  const marked = warning.locator('mark.pii-sensitive');
  expect(await marked.allTextContents()).toEqual([disguised]);
  expect(await marked.getAttribute('title')).toBe('a payment card number');
  expect(writer.problems).toEqual([]);
});
