import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { before, isDigit } from './chars.js';

// Validity of one phone-number candidate: shape rules written by hand (digit counts, NANP
// grouping, dates, ZIP+4 and SSN shapes) and libphonenumber (metadata "max") for the numbering
// plans, behind a per-call budget and cache because each libphonenumber call costs ~10 µs.

/** Countries tried for national numbers written with a leading trunk "0" ("030 901820"). */
const TRUNK_ZERO_COUNTRIES: readonly CountryCode[] = ['GB', 'DE', 'FR', 'NL', 'BE', 'CH', 'AT', 'IT', 'AU', 'NZ', 'IE', 'SE', 'JP', 'IN'];
const DEFAULT_COUNTRY: CountryCode = 'US';
/** At most this many libphonenumber validations per detectPii call (~10 µs each). */
export const PHONE_PARSE_BUDGET = 250;
/** At most this many candidate windows are examined per call (a few per phone number in real text). */
export const PHONE_WINDOW_BUDGET = 4000;
/** Countries whose national numbers have no trunk prefix ("612 345 678" in Spain), tried only after a phone keyword. */
const NO_TRUNK_COUNTRIES: readonly CountryCode[] = ['ES', 'PT', 'PL', 'DK', 'NO', 'GR', 'CZ', 'IN'];
/** Words that introduce a phone number, in English and the languages of the countries above (matched on at most 24 characters). */
export const KEYWORD =
  /(?:phone|\btel|mobile|\bmob|\bcell|\bfax|\bcall|whatsapp|\bsms|\btext|\breach|\btlf|t[ée]l[ée]phone|tel[ée]fono|telefone|telefon|\bhandy|\bmobil|\bportable|m[óo]vil|cellulare|celular|\bll[áa]m(?:a|ar|ame)|\bappel(?:le|ez)(?:-moi)?|\bruf(?:e|en)?(?: mich)? an)(?: me)?(?: at| on| al| au| unter| op)?(?: number| no\.?| nr\.?| #)?\s*[:.#=-]?\s*$/;

export class PhoneValidator {
  private budget = PHONE_PARSE_BUDGET;
  private readonly cache = new Map<string, boolean>();
  /** window text -> decision, see windowIsPhone */
  readonly windows = new Map<string, boolean>();

  /** Remaining candidate windows, see PHONE_WINDOW_BUDGET. */
  windowBudget = PHONE_WINDOW_BUDGET;

  exhausted(): boolean {
    return this.budget <= 0 || this.windowBudget <= 0;
  }

  /**
   * Asks libphonenumber whether `candidate` is a valid number. With `groups` (national numbers
   * written with a trunk 0) the grouping must also agree with the country's own national format.
   */
  valid(candidate: string, country?: CountryCode, groups?: readonly number[]): boolean {
    const key = `${country ?? '+'}|${candidate}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    if (this.budget <= 0) return false;
    this.budget--;
    let ok = false;
    try {
      const parsed = parsePhoneNumberFromString(candidate, country);
      ok = parsed?.isValid() === true && (groups === undefined || coarsens(groups, digitGroups(parsed.formatNational())));
    } catch {
      ok = false;
    }
    this.cache.set(key, ok);
    return ok;
  }
}

function digitGroups(formatted: string): number[] {
  const groups: number[] = [];
  let run = 0;
  for (let k = 0; k < formatted.length; k++) {
    if (isDigit(formatted.charCodeAt(k))) run++;
    else if (run > 0) {
      groups.push(run);
      run = 0;
    }
  }
  if (run > 0) groups.push(run);
  return groups;
}

/**
 * True when every boundary between the written groups is also a boundary of the country's
 * format ("020 7946 0958" and "020 79460958" for 020 7946 0958, not "02 0794 60958"): this
 * rules out digit runs that happen to be valid somewhere in a variable-length numbering plan.
 */
function coarsens(written: readonly number[], formatted: readonly number[]): boolean {
  const cuts = new Set<number>();
  let pos = 0;
  for (const g of formatted) cuts.add((pos += g));
  pos = 0;
  for (let k = 0; k < written.length - 1; k++) if (!cuts.has((pos += written[k] as number))) return false;
  return true;
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, k) => x === b[k]);

function looksLikeDate(groups: readonly number[]): boolean {
  if (groups.length !== 3) return false;
  const [a, b, c] = groups as [number, number, number];
  return (a === 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && (c === 4 || c === 2));
}

/** Decides one candidate (`raw`, starting at `s` in `text`, digit groups `groups`) without regard to neighbouring words, except the phone keyword for bare digit runs. */
export function decideWindow(text: string, s: number, raw: string, groups: readonly number[], v: PhoneValidator): boolean {
  let digits = '';
  for (let k = 0; k < raw.length; k++) if (isDigit(raw.charCodeAt(k))) digits += raw[k];
  const d = digits.length;
  if (raw.charCodeAt(0) === 43) {
    const singles = groups.filter((g) => g === 1).length;
    return d >= 7 && d <= 16 && groups.length <= 8 && singles <= 3 && v.valid(raw);
  }
  if (looksLikeDate(groups)) return false;
  const keyword = (): boolean => KEYWORD.test(before(text, s, 24));
  if (digits.startsWith('00') && !digits.startsWith('000')) {
    // International call prefix instead of '+': "0044 20 7946 0958".
    return d >= 9 && d <= 17 && (groups.length > 1 || keyword()) && v.valid(raw, 'DE');
  }
  if (digits[0] === '0') {
    // [5, 4] is a ZIP+4 code and [3, 2, 4] the shape of a social security number.
    if (d < 8 || d > 12 || groups.some((g) => g < 2) || same(groups, [5, 4]) || same(groups, [3, 2, 4])) return false;
    if (groups.length < 2 && !keyword()) return false;
    for (const country of TRUNK_ZERO_COUNTRIES) if (v.valid(raw, country, groups)) return true;
    return false;
  }
  if (northAmerican(digits, groups, keyword, v)) return true;
  // After a phone keyword, national numbers of countries without a trunk prefix: "llámame al 612 345 678".
  // The keyword is the evidence here, so the grouping need not follow the country's own format
  // (Spaniards write mobiles 3-3-3, libphonenumber formats them 3-2-2-2).
  if (d < 8 || d > 10 || groups.some((g) => g < 2) || !keyword()) return false;
  for (const country of NO_TRUNK_COUNTRIES) if (v.valid(raw, country)) return true;
  return false;
}

/** North American numbers: 3-3-4 (optionally after a leading 1), or bare digits after a keyword. */
function northAmerican(digits: string, groups: readonly number[], keyword: () => boolean, v: PhoneValidator): boolean {
  const d = digits.length;
  if (d !== 10 && !(d === 11 && digits[0] === '1')) return false;
  const national = d === 11 ? digits.slice(1) : digits;
  if (national[0] === '0' || national[0] === '1' || national[3] === '0' || national[3] === '1') return false;
  const nanpShape = same(groups, [3, 3, 4]) || same(groups, [1, 3, 3, 4]);
  if (!nanpShape && !(groups.length === 1 && keyword())) return false;
  return v.valid(digits, DEFAULT_COUNTRY);
}

