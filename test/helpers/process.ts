import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { entryArgs } from './entry.js';

/** Test suites hash with a cheaper scrypt (PASSWORD_SCRYPT_N; NODE_ENV=test only): the same code, a fraction of the CPU. */
export const TEST_SCRYPT_N = '1024';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface AgoraProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * How long a server process may take to start: tsx may compile on the way, several processes start
 * at once, and a busy machine is slow, not wrong. Suites that start processes give their
 * `beforeAll` more than this.
 */
export const PROCESS_START_MS = 60_000;

// A process a failed start or a failed suite left running would hold its port and write to Redis
// after the suite cleaned up: whatever is still running when this worker exits is stopped.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A real Agora server process (the current build, or server/main.ts through tsx), listening on a free loopback port. */
export async function spawnAgora(env: Record<string, string>): Promise<AgoraProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, entryArgs('server/main', ['./test/helpers/exit-with-parent.mjs']), {
    cwd: path.resolve(__dirname, '../..'),
    env: { PATH: process.env.PATH, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', DEMO_ACCOUNTS: '0', ...(env.NODE_ENV && env.NODE_ENV !== 'test' ? {} : { PASSWORD_SCRYPT_N: TEST_SCRYPT_N }), SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL'); // given up on: never left behind
      reject(new Error(`agora did not start within ${PROCESS_START_MS} ms:\n${out}`));
    }, PROCESS_START_MS);
    const check = () => {
      if (out.includes('Agora listening')) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', () => {
      clearTimeout(t);
      reject(new Error(`agora exited at start:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
