import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { signedIn, type Client } from '../helpers/http.js';

// Every text a member writes that others read is scanned as its readers will see it: a card number
// the source hides from a plain scan is warned about (422) and, once acknowledged, published masked.

const DISGUISED = '4111&#32;1111<!-- -->&nbsp;1111\u200b 1111';
const ZW_TITLE = 'Pay with 4111\u200b1111\u200b1111\u200b1111';
const digits = (s: string) => s.replace(/&#\d+;|&[a-z]+;/g, ' ').replace(/\D/g, '');

describe.each(['memory', 'redis'] as const)('personal data as readers see it, on the %s store', (store) => {
  let agora: Running;
  let member: Client;
  let forumId: string;

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000' } });
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    member = await signedIn(agora.url, agora.stores.users, 'member');
    forumId = (await admin.post('/api/forums', { slug: `pii-${Date.now()}`, title: 'PII', description: '' })).body.forum.id;
  });
  afterAll(() => agora.close());

  test('a thread title with invisible characters inside a card number is refused until acknowledged, then masked', async () => {
    const refused = await member.post(`/api/forums/${forumId}/threads`, { title: ZW_TITLE, body: 'hello' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('pii_unacknowledged');
    expect(refused.body.error.details.findings).toEqual([expect.objectContaining({ type: 'CREDIT_CARD', field: 'title', start: 9, end: ZW_TITLE.length })]);
    const ok = await member.post(`/api/forums/${forumId}/threads`, { title: ZW_TITLE, body: 'hello', acknowledgePii: ['CREDIT_CARD'] });
    expect(ok.status).toBe(201);
    expect(digits(ok.body.thread.title)).toBe('1111');
    const listed = await request(agora.url).get(`/api/forums/${forumId}/threads`).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain('4111');
  });

  test('a reply and an edit that hide a card number behind entities, a comment and a zero-width space are warned about and published masked', async () => {
    const thread = (await member.post(`/api/forums/${forumId}/threads`, { title: 'Payments', body: 'Question' })).body.thread;
    const refused = await member.post(`/api/threads/${thread.id}/posts`, { body: `Card: ${DISGUISED}` });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.findings.map((f: { type: string }) => f.type)).toEqual(['CREDIT_CARD']);
    const reply = await member.post(`/api/threads/${thread.id}/posts`, { body: `Card: ${DISGUISED}`, acknowledgePii: ['CREDIT_CARD'] });
    expect(reply.status).toBe(201);
    expect(reply.body.post.piiTypes).toEqual(['CREDIT_CARD']);
    expect(digits(reply.body.post.html)).toBe('1111');

    const edit = await member.patch(`/api/posts/${reply.body.post.id}`, { body: `| a | b | c | d |\n|--|--|--|--|\n| 4111 | 1111 | 1111 | 1111 |` });
    expect(edit.status).toBe(422);
    const edited = await member.patch(`/api/posts/${reply.body.post.id}`, { body: `| a | b | c | d |\n|--|--|--|--|\n| 4111 | 1111 | 1111 | 1111 |`, acknowledgePii: ['CREDIT_CARD'] });
    expect(edited.status).toBe(200);
    expect(edited.body.post.html).toContain('<td>1111</td>');
    expect(edited.body.post.html).not.toContain('4111');
    const read = await request(agora.url).get(`/api/threads/${thread.id}/posts`).expect(200);
    expect(JSON.stringify(read.body)).not.toMatch(/4111|&#32;1111/);
  });

  test('the preview shows the disguised value masked and reports it', async () => {
    const res = await member.post('/api/preview', { body: `Card: ${DISGUISED}` });
    expect(res.status).toBe(200);
    expect(res.body.findings.map((f: { type: string }) => f.type)).toEqual(['CREDIT_CARD']);
    expect(digits(res.body.html)).toBe('1111');
  });

  test('a testimonial is scanned like a post: 422 with its findings, then saved masked once acknowledged', async () => {
    const text = 'Support fixed my refund for card \u0664\u0661\u0661\u0661 1111 1111 1111 in a day!';
    const refused = await member.post('/api/testimonials', { text });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.findings).toEqual([expect.objectContaining({ type: 'CREDIT_CARD', field: 'text' })]);
    const saved = await member.post('/api/testimonials', { text, acknowledgePii: ['CREDIT_CARD'] });
    expect(saved.status).toBe(201);
    expect(saved.body.testimonial.text).toContain('\u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 1111');
    const changed = await member.patch(`/api/testimonials/${saved.body.testimonial.id}`, { text: 'write to joe\uff20example\uff0ecom' });
    expect(changed.status).toBe(422);
    expect(changed.body.error.details.findings[0].type).toBe('EMAIL');
  });

  test('the name and title published with a testimonial are scanned too', async () => {
    const t = (await member.post('/api/testimonials', { text: 'Great place' })).body.testimonial;
    const refused = await member.post(`/api/testimonials/${t.id}/consent`, { name: 'Sam', title: 'Ops lead, sam\uff20example.com' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.findings.map((f: { type: string }) => f.type)).toEqual(['EMAIL']);
    const ok = await member.post(`/api/testimonials/${t.id}/consent`, { name: 'Sam', title: 'Ops lead, card 4111 1111 1111 1111', acknowledgePii: ['CREDIT_CARD'] });
    expect(ok.status).toBe(200);
    expect(ok.body.testimonial.consent).toMatchObject({ name: 'Sam', title: 'Ops lead, card \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 1111' });
  });
});
