export type PiiType = 'EMAIL' | 'PHONE' | 'IP_ADDRESS' | 'CREDIT_CARD' | 'US_SSN' | 'IBAN' | 'SECRET';
export type PiiSeverity = 'warn' | 'sensitive' | 'block' | 'off';

/** A detected span: UTF-16 code-unit offsets into the input, `end` exclusive. */
export interface PiiFinding {
  type: PiiType;
  start: number;
  end: number;
  severity: PiiSeverity;
}

/** What a detector reports before severities are applied and overlaps are resolved. */
export interface RawMatch {
  type: PiiType;
  start: number;
  end: number;
}

export const PII_TYPES: readonly PiiType[] = Object.freeze([
  'EMAIL',
  'PHONE',
  'IP_ADDRESS',
  'CREDIT_CARD',
  'US_SSN',
  'IBAN',
  'SECRET',
] as const);

export const DEFAULT_SEVERITY: Record<PiiType, PiiSeverity> = Object.freeze({
  EMAIL: 'warn',
  PHONE: 'warn',
  IP_ADDRESS: 'warn',
  CREDIT_CARD: 'sensitive',
  US_SSN: 'sensitive',
  IBAN: 'sensitive',
  SECRET: 'sensitive',
});
