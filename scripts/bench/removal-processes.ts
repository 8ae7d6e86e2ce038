// Child processes for the removal bench: servers and the load generator, each pinned to its own
// core when taskset exists, so the generator never competes with the servers it measures.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

const canPin = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && os.availableParallelism() >= 2;

/** The command line for `node --import tsx <script>`, behind `taskset -c <cpu>` when possible. */
function command(script: string, cpu: number): [string, string[]] {
  const node = [process.execPath, '--import', 'tsx', script];
  return canPin ? ['taskset', ['-c', String(cpu), ...node]] : [node[0]!, node.slice(1)];
}

export const pinning = canPin ? 'servers on CPU 0; socket clients and the timed requests on CPU 1 (taskset)' : 'not pinned (no taskset or one CPU)';

/**
 * Moves this process (every thread) to the generator's core, CPU 1, for as long as the section
 * runs: it sends the timed requests, so it belongs with the load, not with the servers. Returns
 * the undo.
 */
export function pinSelfToClientCore(): () => void {
  if (!canPin) return () => {};
  const before = /:\s*([0-9a-f,]+)\s*$/i.exec(spawnSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' }).stdout)?.[1];
  if (!before || spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)]).status !== 0) return () => {};
  return () => void spawnSync('taskset', ['-a', '-p', before, String(process.pid)]);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  name: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

// Every child ever started, so a crash of the orchestrator still takes them down.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(name: string, script: string, cpu: number, env: Record<string, string>, stdio: StdioOptions): Child {
  const [cmd, args] = command(script, cpu);
  const child = spawn(cmd, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio });
  running.add(child);
  let out = '';
  child.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    running.delete(child);
    resolve();
  }));
  return {
    name,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

/** A server process on CPU 0, resolved once its stdout shows `ready` (bounded by `timeoutMs`). */
export async function startServer(name: string, script: string, env: Record<string, string>, ready: string, timeoutMs = 30_000): Promise<Child> {
  const c = start(name, script, 0, env, ['ignore', 'pipe', 'pipe']);
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      const err = new Error(`${name} ${why}:\n${c.output()}`);
      void c.stop().finally(() => reject(err));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const check = () => {
      if (!c.output().includes(ready)) return;
      clearTimeout(timer);
      c.child.off('exit', onExit);
      resolve();
    };
    const onExit = () => fail('exited at start');
    c.child.stdout!.on('data', check);
    c.child.once('exit', onExit);
  });
  return c;
}

/** The load generator on CPU 1, spoken to over the IPC channel. */
export function startClients(script: string): Child {
  return start('clients', script, 1, {}, ['ignore', 'ignore', 'pipe', 'ipc']);
}
