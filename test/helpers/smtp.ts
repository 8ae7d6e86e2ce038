import net from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** A message as the server took it in: envelope, raw source, unfolded headers and decoded parts. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  headers: Map<string, string[]>;
  text: string;
  html: string;
}

export interface Reply { code: number; message: string }

const smtpError = (r: Reply) => Object.assign(new Error(r.message), { responseCode: r.code });

/**
 * A real SMTP server (npm smtp-server) in the test process that counts what it receives. It
 * requires AUTH (so the client's login is exercised) and can be told to refuse at RCPT or after the
 * data, or to drop the connection once the whole message is in without answering it.
 */
export class TestSmtpServer {
  /** Messages the server now holds: accepted ones, and ones whose connection it dropped after the data. */
  readonly messages: ReceivedMail[] = [];
  /** How many RCPT TO commands and complete message data transfers reached the server. */
  readonly seen = { rcpt: 0, data: 0 };
  rcptReply: Reply | null = null;
  dataReply: Reply | null = null;
  dropAfterData = false;
  /** Runs (and is awaited) when a RCPT TO arrives, before it is answered. */
  beforeRcpt: (() => Promise<void> | void) | null = null;
  readonly user = 'agora-mailer';
  readonly pass = 'smtp-test-password';
  private server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth: (auth, _session, cb) =>
        auth.username === this.user && auth.password === this.pass ? cb(null, { user: auth.username }) : cb(smtpError({ code: 535, message: 'Authentication failed' })),
      onRcptTo: (_address, _session, cb) => {
        this.seen.rcpt++;
        void Promise.resolve(this.beforeRcpt?.()).then(() => cb(this.rcptReply ? smtpError(this.rcptReply) : null));
      },
      onData: (stream, session, cb) => this.onData(stream, session, cb),
    });
    // A client cut off while the server writes its reply (the fault tests do that on purpose)
    // is not a failure of the test server.
    this.server.on('error', () => {});
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      this.seen.data++;
      const raw = Buffer.concat(chunks).toString('utf8');
      const mail = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, ...parseMessage(raw) };
      if (this.dataReply) return cb(smtpError(this.dataReply));
      this.messages.push(mail);
      if (this.dropAfterData) {
        // The message is in, the answer never comes: cut this client's connection.
        for (const c of this.server.connections) if (c.session.id === session.id) c._socket.destroy();
        return;
      }
      cb(null);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as net.AddressInfo).port;
    return this;
  }

  /** SMTP_URL for Agora, with this server's credentials. */
  get url(): string {
    return `smtp://${this.user}:${this.pass}@127.0.0.1:${this.port}`;
  }

  /** Back to accepting everything, with nothing received. */
  reset(): void {
    this.messages.length = 0;
    this.seen.rcpt = this.seen.data = 0;
    this.rcptReply = this.dataReply = null;
    this.dropAfterData = false;
    this.beforeRcpt = null;
  }

  stop(): Promise<void> {
    for (const c of this.server.connections) c._socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on: a mail server that is down. */
export async function unusedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function parseHeaders(head: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    out.set(name, [...(out.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  return out;
}

function decodeBody(body: string, encoding: string | undefined): string {
  const e = (encoding ?? '7bit').toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** Just enough MIME for the invite: top-level headers and the text and HTML parts of a multipart/alternative. */
function parseMessage(raw: string): { headers: Map<string, string[]>; text: string; html: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const type = headers.get('content-type')?.[0] ?? 'text/plain';
  const parts: { type: string; body: string }[] = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1, -1)) {
      const p = chunk.replace(/^\r\n/, '');
      const at = p.indexOf('\r\n\r\n');
      const h = parseHeaders(p.slice(0, at));
      parts.push({ type: h.get('content-type')?.[0] ?? 'text/plain', body: decodeBody(p.slice(at + 4).replace(/\r\n$/, ''), h.get('content-transfer-encoding')?.[0]) });
    }
  } else {
    parts.push({ type, body: decodeBody(body, headers.get('content-transfer-encoding')?.[0]) });
  }
  return {
    headers,
    text: parts.find((p) => p.type.startsWith('text/plain'))?.body ?? '',
    html: parts.find((p) => p.type.startsWith('text/html'))?.body ?? '',
  };
}
