import pino, { type Logger } from 'pino';

// Addresses can hide in error messages (nodemailer puts the recipient in them), so
// anything that looks like one is replaced before a line is written.
const EMAIL_LIKE = /[^\s<>()"',;:@]{1,64}@[^\s<>()"',;:@]{1,255}/g;

export function scrubText(text: string): string {
  return text.replace(EMAIL_LIKE, '[email]');
}

/** The only fields of an error that may reach a log line: type, codes, and a scrubbed message and stack. */
export function scrubError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const e = err as Error & { code?: unknown; responseCode?: unknown; command?: unknown };
  const out: Record<string, unknown> = { type: e.name, message: scrubText(e.message) };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.responseCode === 'number') out.responseCode = e.responseCode;
  if (typeof e.command === 'string') out.command = e.command;
  if (e.stack) out.stack = scrubText(e.stack.split('\n').slice(1, 8).join('\n'));
  return out;
}

// Belt and braces: even if a caller logs an object with one of these, it is censored.
export const REDACT_PATHS = [
  'password', '*.password', 'currentPassword', '*.currentPassword', 'newPassword', '*.newPassword',
  'email', '*.email', 'friendEmail', '*.friendEmail', 'friendName', '*.friendName', 'token', '*.token',
  'body', '*.body', 'req.headers', 'res.headers', 'headers', 'cookie', '*.cookie', 'authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'agora' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: scrubError, error: scrubError },
    },
    destination,
  );
}
