import { codeAt, isAlnum, isB64Url, isDigit, isHex, isLower, isUpper, isWordAt } from './chars.js';
import { isFillerBody } from './placeholder.js';
import { hasGithubChecksum } from './token-checksum.js';
import type { RawMatch } from './types.js';

// Tokens whose provider gives them a fixed prefix, each from the provider's documentation of its
// format (lengths and alphabets cross-checked against gitleaks' rules). Hand-written: each is
// found by one native search for all the prefixes and then a bounded forward read, so a repeated
// prefix ("ghp_ghp_…") can never make the scan quadratic the way an unanchored regex could.

interface TokenFormat {
  prefix: string;
  body: (c: number) => boolean;
  min: number;
  max: number;
  /** The whole body must match (formats whose body has an inner structure). */
  shape?: RegExp;
  /** A checksum the body must carry. */
  check?: (body: string) => boolean;
}

const upperAlnum = (c: number): boolean => isUpper(c) || isDigit(c);
const lowerAlnum = (c: number): boolean => isLower(c) || isDigit(c);
const word = (c: number): boolean => isAlnum(c) || c === 95;
const alnumDash = (c: number): boolean => isAlnum(c) || c === 45;
const b64 = (c: number): boolean => isAlnum(c) || c === 43 || c === 47 || c === 61;
const b64url = isB64Url;
const b64urlDot = (c: number): boolean => isB64Url(c) || c === 46;
const hexDash = (c: number): boolean => isHex(c) || c === 45;
const fmt = (prefixes: string[], body: (c: number) => boolean, min: number, max = min, extra: Partial<TokenFormat> = {}): TokenFormat[] =>
  prefixes.map((prefix) => ({ prefix, body, min, max, ...extra }));
// GitHub: 36 characters carry a checksum; longer forms (GitHub reserves up to 255) are taken on trust.
const githubCheck = (body: string): boolean => body.length !== 36 || hasGithubChecksum(body);
// Routable tokens (GitLab 17.x+) end in a version and a CRC32 in base 36, written `.01xxxxxxx` or `.01.xxxxxxx`.
const GITLAB_SHAPE = /^[\w-]{20,310}(?:\.[0-9a-z]{2}\.?[0-9a-z]{7})?$/;

const TOKEN_FORMATS: readonly TokenFormat[] = [
  // Cloud platforms
  ...fmt(['AKIA', 'ASIA', 'ABIA', 'ACCA'], upperAlnum, 16), // AWS access key ids (the secret key is paired in provider-shapes)
  ...fmt(['ABSK'], b64, 109, 272), // Amazon Bedrock long-lived API key
  ...fmt(['AIza'], b64url, 35), // Google API key
  ...fmt(['GOCSPX-'], b64url, 28), // Google OAuth client secret
  ...fmt(['ya29.'], b64urlDot, 30, 2048), // Google OAuth access token
  ...fmt(['dop_v1_', 'doo_v1_', 'dor_v1_'], isHex, 64), // DigitalOcean
  ...fmt(['HRKU-'], b64url, 60, 60, { shape: /^AA[\w-]{58}$/ }), // Heroku
  ...fmt(['v1.0-'], hexDash, 171, 171, { shape: /^[0-9a-f]{24}-[0-9a-f]{146}$/ }), // Cloudflare Origin CA key
  ...fmt(['dapi'], hexDash, 32, 34, { shape: /^[0-9a-f]{32}(?:-\d)?$/ }), // Databricks
  ...fmt(['sbp_'], isHex, 40), // Supabase
  ...fmt(['fo1_'], b64url, 43), // Fly.io
  ...fmt(['tskey-'], b64url, 30, 128), // Tailscale
  ...fmt(['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'], b64urlDot, 32, 64), // PlanetScale
  // Source hosting and CI
  ...fmt(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], isAlnum, 36, 251, { check: githubCheck }), // GitHub
  ...fmt(['github_pat_'], word, 40, 251),
  ...fmt(['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'glimt-', 'gloas-', 'glsoat-', 'glft-', 'glffct-', 'glagent-', 'glwt-', 'GR1348941'], b64urlDot, 20, 320, { shape: GITLAB_SHAPE }), // GitLab
  ...fmt(['ATATT3', 'ATCTT3'], (c) => b64url(c) || c === 61, 150, 300), // Atlassian API token
  ...fmt(['pul-'], isHex, 40), // Pulumi
  ...fmt(['CLOJARS_'], lowerAlnum, 60), // Clojars
  ...fmt(['rubygems_'], isHex, 48), // RubyGems
  ...fmt(['npm_'], isAlnum, 36), // npm
  ...fmt(['pypi-AgEIcHlwaS5vcmc'], b64url, 50, 1000), // PyPI (a macaroon for pypi.org)
  ...fmt(['dckr_pat_', 'dckr_oat_'], b64url, 24, 40), // Docker Hub
  ...fmt(['rdme_'], lowerAlnum, 70), // ReadMe
  // Chat
  ...fmt(['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxe-'], alnumDash, 10, 255), // Slack
  ...fmt(['xapp-'], alnumDash, 30, 255), // Slack app-level token
  ...fmt(['xoxe.'], b64urlDot, 100, 255), // Slack rotating token (xoxe.xoxp-…)
  // Payments
  ...fmt(['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'], isAlnum, 16, 255), // Stripe secret and restricted keys (pk_ is public)
  ...fmt(['whsec_'], isAlnum, 24, 255), // Stripe webhook signing secret
  ...fmt(['sq0atp-'], b64url, 22), // Square access token
  ...fmt(['sq0csp-'], b64url, 43), // Square OAuth secret
  ...fmt(['EAAA'], b64url, 60, 200), // Square access token (current format)
  ...fmt(['FLWSECK-', 'FLWSECK_TEST-'], alnumDash, 34, 34, { shape: /^[0-9a-f]{32}-X$/i }), // Flutterwave
  ...fmt(['shippo_live_', 'shippo_test_'], isHex, 40), // Shippo
  ...fmt(['duffel_live_', 'duffel_test_'], b64url, 43), // Duffel
  ...fmt(['EZAK', 'EZTK'], isAlnum, 54), // EasyPost
  // E-mail and SMS
  ...fmt(['SG.'], b64urlDot, 66, 66, { shape: /^[\w-]{22}\.[\w-]{43}$/ }), // SendGrid
  ...fmt(['key-'], lowerAlnum, 32), // Mailgun private API key
  ...fmt(['xkeysib-', 'xsmtpsib-'], alnumDash, 81, 81, { shape: /^[0-9a-f]{64}-[A-Za-z0-9]{16}$/ }), // Brevo (Sendinblue)
  // AI APIs
  ...fmt(['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-ant-'], b64url, 40, 255), // OpenAI project/service/admin keys, Anthropic
  ...fmt(['hf_'], isAlnum, 30, 40), // Hugging Face access token
  ...fmt(['api_org_'], isAlnum, 34), // Hugging Face organization token
  ...fmt(['gsk_'], isAlnum, 52), // Groq
  ...fmt(['r8_'], isAlnum, 37), // Replicate
  ...fmt(['pplx-'], isAlnum, 48), // Perplexity
  ...fmt(['xai-'], isAlnum, 80), // xAI
  ...fmt(['lsv2_pt_', 'lsv2_sk_'], word, 43, 43, { shape: /^[0-9a-f]{32}_[0-9a-f]{10}$/ }), // LangSmith
  // Secret managers and encryption
  ...fmt(['hvs.'], b64url, 24, 300), // HashiCorp Vault service token
  ...fmt(['hvb.'], b64url, 100, 300), // HashiCorp Vault batch token
  ...fmt(['dp.pt.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'], isAlnum, 40, 44), // Doppler
  ...fmt(['dp.st.'], b64urlDot, 40, 100, { shape: /^(?:[\w-]{1,40}\.)?[A-Za-z0-9]{40,44}$/ }), // Doppler service token
  ...fmt(['ops_'], b64, 250, 4000, { shape: /^eyJ/ }), // 1Password service account
  ...fmt(['A3-'], alnumDash, 37, 37, { shape: /^[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}$/ }), // 1Password secret key
  ...fmt(['AGE-SECRET-KEY-1'], upperAlnum, 58), // age
  // Commerce, productivity, observability
  ...fmt(['shpat_', 'shpca_', 'shppa_', 'shpss_'], isHex, 32), // Shopify
  ...fmt(['lin_api_', 'lin_oauth_'], isAlnum, 40, 64), // Linear
  ...fmt(['ntn_'], isAlnum, 46), // Notion
  ...fmt(['figd_'], b64url, 36, 60), // Figma
  ...fmt(['glsa_'], word, 41, 41, { shape: /^[A-Za-z0-9]{32}_[0-9a-fA-F]{8}$/ }), // Grafana service account
  ...fmt(['glc_'], b64, 32, 400), // Grafana Cloud
  ...fmt(['sntryu_'], isHex, 64), // Sentry user token
  ...fmt(['sntrys_'], (c) => b64(c) || c === 95, 100, 400), // Sentry org token
  ...fmt(['NRAK-'], upperAlnum, 27), // New Relic user key
  ...fmt(['PMAK-'], hexDash, 59, 59, { shape: /^[0-9a-f]{24}-[0-9a-f]{34}$/ }), // Postman
  ...fmt(['dt0c01.'], b64urlDot, 89, 89, { shape: /^[A-Z0-9]{24}\.[A-Z0-9]{64}$/ }), // Dynatrace
  ...fmt(['pnu_'], isAlnum, 36), // Prefect
  ...fmt(['sk.eyJ'], b64urlDot, 80, 400), // Mapbox secret token (pk. is public)
];

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const TOKEN_PREFIXES: readonly string[] = TOKEN_FORMATS.map((f) => f.prefix);
// All prefixes in one search (an alternation of fixed strings: one native scan, linear, instead of
// one indexOf pass per format). No prefix is the start of another (a unit test checks), and a
// prefix inside a found token follows a word character, '-' or '.', so it either does not count or
// lies inside the token already found: resuming after each token finds what a pass per format
// would. Every prefix starts with a word character and must not follow one, so `\b` in front lets
// the engine try the alternatives only where a word starts.
const TOKEN_PREFIX = new RegExp(`\\b(?:${TOKEN_PREFIXES.map(escapeRe).join('|')})`, 'g');
const FORMAT_OF = new Map(TOKEN_FORMATS.map((f) => [f.prefix, f]));

/** Adds each well-known token to `out` and tells `found`, so a secret paired with it can be looked for beside it. */
export function findTokenFormats(text: string, out: RawMatch[], found?: (start: number, end: number, prefix: string) => void): void {
  TOKEN_PREFIX.lastIndex = 0;
  for (let m = TOKEN_PREFIX.exec(text); m !== null; m = TOKEN_PREFIX.exec(text)) {
    const at = m.index;
    const f = FORMAT_OF.get(m[0]) as TokenFormat;
    TOKEN_PREFIX.lastIndex = at + 1;
    if (isWordAt(text, at - 1) || codeAt(text, at - 1) === 45) continue;
    const bodyStart = at + f.prefix.length;
    let p = bodyStart;
    const limit = p + f.max;
    while (p < text.length && p <= limit && f.body(text.charCodeAt(p))) p++;
    while (p > bodyStart && text.charCodeAt(p - 1) === 46) p--; // a full stop ends the sentence, not the token
    const len = p - bodyStart;
    if (len < f.min || len > f.max || isWordAt(text, p)) continue;
    const body = text.slice(bodyStart, p);
    if ((f.shape && !f.shape.test(body)) || (f.check && !f.check(body)) || isFillerBody(body)) continue;
    out.push({ type: 'SECRET', start: at, end: p });
    found?.(at, p, f.prefix);
    TOKEN_PREFIX.lastIndex = p;
  }
}
