import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { startAgora, type Running } from '../helpers/agora.js';
import { captureLogs } from '../helpers/log-capture.js';
import { connectSocket, type TestSocket } from '../helpers/sockets.js';
import { NotFound, Unavailable } from '../../server/errors.js';
import type { Ack } from '../../shared/events.js';

// A socket handler that fails is answered as the contract says and, unless the failure is a
// refusal, logged with what an operator needs (event, socket, error type) and never what the
// client sent.

const EMAIL_IN_PAYLOAD = 'payload.canary@mail.example.org';
const CANARY_IN_PAYLOAD = 'payload-canary-5f1c9e';
const payload = { email: EMAIL_IN_PAYLOAD, note: CANARY_IN_PAYLOAD };

describe('socket handlers that fail', () => {
  const logs = captureLogs('info');
  let agora: Running;
  const received: unknown[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    agora = await startAgora({ logger: logs.logger });
    agora.agora.realtime()!.handle({
      'test:boom': async (_socket, p) => {
        received.push(p);
        throw new Error('secret detail user@example.com');
      },
      'test:missing': async () => {
        throw new NotFound();
      },
      'test:store-down': async () => {
        throw new Unavailable('store', 'ECONNREFUSED');
      },
      'test:fine': async () => ({ ok: true }),
    });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await agora.close();
  });

  const open = async () => {
    const s = await connectSocket(agora.url);
    sockets.push(s);
    return s;
  };
  const emit = (s: TestSocket, event: string, body?: unknown) => {
    const raw = (s as unknown as Socket).timeout(10_000);
    return (body === undefined ? raw.emitWithAck(event) : raw.emitWithAck(event, body)) as Promise<Ack>;
  };
  const errorLines = () => logs.lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.level >= 50);

  beforeEach(() => {
    logs.lines.length = 0;
  });

  test('an unexpected error acks internal, is logged once with the event, socket and error type but never the payload, and the server keeps serving', async () => {
    const s = await open();
    expect(await emit(s, 'test:boom', payload)).toEqual({ ok: false, error: { code: 'internal' } });
    expect(received).toEqual([payload]); // the payload did reach the server: its absence below means something

    const lines = errorLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'socket event failed with an error', socket: { id: s.id, event: 'test:boom' }, err: { type: 'Error' } });
    for (const secret of [EMAIL_IN_PAYLOAD, CANARY_IN_PAYLOAD, 'user@example.com']) expect(logs.text()).not.toContain(secret);

    // The same socket and new ones are still answered; HTTP too.
    expect(await emit(s, 'test:fine')).toEqual({ ok: true });
    expect(await emit(await open(), 'test:fine')).toEqual({ ok: true });
    await request(agora.url).get('/healthz').expect(200);
    expect(s.connected).toBe(true);
  });

  test('a refusal (NotFound) acks not_found and logs nothing at error level', async () => {
    const s = await open();
    expect(await emit(s, 'test:missing', payload)).toEqual({ ok: false, error: { code: 'not_found' } });
    expect(errorLines()).toEqual([]);
  });

  test('a backing service down (Unavailable) acks unavailable and is logged', async () => {
    const s = await open();
    expect(await emit(s, 'test:store-down', payload)).toEqual({ ok: false, error: { code: 'unavailable' } });
    const lines = errorLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ socket: { id: s.id, event: 'test:store-down' }, err: { type: 'Unavailable' } });
    expect(logs.text()).not.toContain(CANARY_IN_PAYLOAD);
  });
});
