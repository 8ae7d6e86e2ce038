// The Redis Cluster the `redis-cluster` tests run on: three local primaries started by
// scripts/redis-cluster.sh. Jest's globalSetup (this file's default export, see jest.config.js)
// only picks free loopback ports for the run; the first suite that needs the cluster starts it
// (the script takes a lock, so parallel workers share one cluster) and globalTeardown stops it.
// A run that never asks for the cluster starts nothing. Set AGORA_TEST_CLUSTER_URL to a seed
// node of a cluster started elsewhere to use that one instead (it is then never stopped here).
// Only node built-ins are imported: jest loads globalSetup without its moduleNameMapper.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../scripts/redis-cluster.sh');
const URL_ENV = 'AGORA_TEST_CLUSTER_URL';
const BASE_ENV = 'AGORA_TEST_CLUSTER_BASE';
const OWNER_ENV = 'AGORA_TEST_CLUSTER_OWNER';
const OWNER_FILE = 'agora-test-owner';

const tmpRoot = () => (process.env.TMPDIR || '/tmp').replace(/\/+$/, '') || '/';
const nodeDir = (port: number) => path.join(tmpRoot(), `agora-redis-cluster-${port}`);

function script(cmd: 'start' | 'stop', base: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, cmd, String(base)], { timeout: 150_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`scripts/redis-cluster.sh ${cmd} ${base} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

let started: Promise<string> | null = null;

/**
 * The seed node URL of the test cluster, started on first use. Fails (never skips) when it cannot
 * start, e.g. without redis-server: the error says what is missing.
 */
export function testClusterUrl(): Promise<string> {
  const external = process.env[URL_ENV];
  if (external) return Promise.resolve(external);
  started ??= (async () => {
    const base = Number(process.env[BASE_ENV]);
    if (!base) {
      throw new Error(`${BASE_ENV} is not set: run the redis-cluster tests through jest.config.js (its globalSetup picks the ports), or set ${URL_ENV} to a seed node of a running cluster`);
    }
    await script('start', base);
    const owner = process.env[OWNER_ENV];
    if (owner) writeFileSync(path.join(nodeDir(base), OWNER_FILE), owner);
    return `redis://127.0.0.1:${base}`;
  })();
  started.catch(() => (started = null));
  return started;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A base port whose three node ports and three bus ports (port + 10000) are all free. */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = [0, 1, 2].flatMap((i) => [base + i, base + i + 10_000]);
    if ([0, 1, 2].some((i) => existsSync(nodeDir(base + i)))) continue;
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free loopback ports for the test Redis Cluster');
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Clusters left behind by test runs that died before their teardown (their owner is gone). */
async function stopAbandoned(): Promise<void> {
  for (const name of readdirSync(tmpRoot())) {
    const m = /^agora-redis-cluster-(\d+)$/.exec(name);
    if (!m) continue;
    let owner: number;
    try {
      owner = Number(readFileSync(path.join(tmpRoot(), name, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (owner && !alive(owner)) await script('stop', Number(m[1])).catch(() => {});
  }
}

const STATE = Symbol.for('agora.testCluster');
type State = { base: number };

/** globalSetup and globalTeardown both: the first call picks the ports, the second stops the cluster. */
export default async function testClusterHook(): Promise<void> {
  const g = globalThis as { [STATE]?: State };
  if (process.env[URL_ENV] && !g[STATE]) return;
  const state = g[STATE];
  if (!state) {
    await stopAbandoned();
    const base = await freeBasePort();
    g[STATE] = { base };
    // Workers start after globalSetup and inherit its environment.
    process.env[BASE_ENV] = String(base);
    process.env[OWNER_ENV] = String(process.pid);
    return;
  }
  delete g[STATE];
  // Nothing to stop when no suite asked for the cluster (its first node's directory is missing).
  if (existsSync(nodeDir(state.base))) await script('stop', state.base);
}
