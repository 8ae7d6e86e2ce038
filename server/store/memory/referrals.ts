import type { ReferralStore } from '../referrals.js';

export class MemoryReferralStore implements ReferralStore {}
