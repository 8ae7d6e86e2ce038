/** Referral form tokens and their outcomes, and opt-out fingerprints. Never a friend's name or address. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ReferralStore {}
