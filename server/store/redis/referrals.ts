import type { ReferralStore } from '../referrals.js';
import type { RedisDb } from './db.js';

export class RedisReferralStore implements ReferralStore {
  constructor(private db: RedisDb) {}
}
