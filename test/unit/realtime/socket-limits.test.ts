import type { IncomingMessage } from 'node:http';
import { AddressCount, EventBudget, sameSiteOrigin, WatchBudget } from '../../../server/realtime/limits.js';

const handshake = (origin: string | undefined, host = 'community.example.com') =>
  ({ headers: { ...(origin === undefined ? {} : { origin }), host } }) as IncomingMessage;

describe('the site origin of a socket handshake', () => {
  test.each([
    ['https://community.example.com', 'community.example.com', true],
    ['https://community.example.com', 'Community.Example.com:443', true],
    ['http://127.0.0.1:3000', '127.0.0.1:3000', true],
    ['http://[::1]:3000', '[::1]:3000', true],
    ['http://127.0.0.1:3001', '127.0.0.1:3000', false],
    ['http://community.example.com', 'community.example.com:8080', false],
    ['https://community.example.com.evil.example', 'community.example.com', false],
    ['https://evil.example', 'community.example.com', false],
    ['null', 'community.example.com', false],
  ])('Origin %s on Host %s: %s', (origin, host, allowed) => {
    expect(sameSiteOrigin(handshake(origin, host), undefined)).toBe(allowed);
  });

  test('with PUBLIC_URL, only its origin; without Origin, a client that is not a page', () => {
    expect(sameSiteOrigin(handshake('https://community.example.com', 'internal:3000'), 'https://community.example.com')).toBe(true);
    expect(sameSiteOrigin(handshake('http://internal:3000', 'internal:3000'), 'https://community.example.com')).toBe(false);
    expect(sameSiteOrigin(handshake(undefined), 'https://community.example.com')).toBe(true);
  });
});

describe('per-socket and per-address bounds', () => {
  const limits = { eventsPerSecond: 10, eventBurst: 3 };

  test('an event budget gives a burst at once, then the rate, and never more than a burst after a pause', () => {
    let t = 0;
    const budget = new EventBudget(limits, t);
    const take = () => budget.spend(limits, t) === 'ok';
    expect([take(), take(), take(), take()]).toEqual([true, true, true, false]);
    t += 100; // a tenth of a second: one event at 10 per second
    expect([take(), take()]).toEqual([true, false]);
    t += 60_000;
    expect(Array.from({ length: 5 }, () => take())).toEqual([true, true, true, false, false]);
  });

  test('more than a whole burst refused in a row is a flood; an event heard in between starts the count again', () => {
    let t = 0;
    const budget = new EventBudget(limits, t);
    expect(Array.from({ length: 7 }, () => budget.spend(limits, t))).toEqual(['ok', 'ok', 'ok', 'rate', 'rate', 'rate', 'flood']);
    t += 100;
    expect(budget.spend(limits, t)).toBe('ok');
    expect(Array.from({ length: 4 }, () => budget.spend(limits, t))).toEqual(['rate', 'rate', 'rate', 'flood']);
  });

  test('watches count each thread or forum once, and a released place can be taken again', () => {
    const w = new WatchBudget(2);
    expect([w.reserve('t:a'), w.reserve('t:a'), w.reserve('f:b'), w.reserve('t:c')]).toEqual(['new', 'held', 'new', 'full']);
    w.release('t:a');
    expect(w.reserve('t:c')).toBe('new');
  });

  test('an address holds at most its cap of connections; closing one frees a place', () => {
    const count = new AddressCount(2);
    expect([count.tryOpen('10.0.0.1'), count.tryOpen('10.0.0.1'), count.tryOpen('10.0.0.1'), count.tryOpen('10.0.0.2')]).toEqual([true, true, false, true]);
    count.close('10.0.0.1');
    expect(count.full('10.0.0.1')).toBe(false);
    expect(count.tryOpen('10.0.0.1')).toBe(true);
  });
});
