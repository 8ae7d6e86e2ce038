// Child processes for the bench sections: servers and load generators, each pinned to its own core
// when taskset exists, so a generator never competes with the servers it measures. Every child runs
// compiled JavaScript from dist/ (what production runs: `node dist/server/main.js`), never tsx,
// whose module interop turns every cross-module call into a getter and distorts hot paths.
import { existsSync, readFileSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The repository root, whether this file runs compiled (dist/scripts/bench) or under tsx. */
export const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
})();

/** True when this file was compiled by `npm run build:server` (the `npm run bench` path). */
export const runningCompiled = __filename.endsWith('.js');

const canPin = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && os.availableParallelism() >= 2;

/** `dist/<module>.js`, e.g. `server/main` → dist/server/main.js; it must have been built. */
function compiled(module: string): string {
  const file = path.join(ROOT, 'dist', `${module}.js`);
  if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build:server\` first`);
  return file;
}

/** The command line for `node dist/<module>.js`, behind `taskset -c <cpu>` (which execs node, so the pid is node's). */
// BENCH_SERVER_NODE_ARGS (space-separated) go to every server's node, e.g.
// `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile what a section measures (NODE_OPTIONS refuses --cpu-prof).
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

// `wrapper` runs node under another program that execs it in the same process (valgrind), so the pid is still node's.
function command(module: string, cpu: number, nodeArgs: string[] = [], wrapper: string[] = []): [string, string[]] {
  const node = [...wrapper, process.execPath, ...(cpu === 0 ? serverNodeArgs : []), ...nodeArgs, compiled(module)];
  return canPin ? ['taskset', ['-c', String(cpu), ...node]] : [node[0]!, node.slice(1)];
}

export const pinning = canPin ? 'servers on CPU 0; load generators and the timed requests on CPU 1 (taskset)' : 'not pinned (no taskset or one CPU)';

/**
 * Moves this process (every thread) to the generator's core, CPU 1, for as long as a section
 * runs: it sends requests of its own, so it belongs with the load, not with the servers. Returns
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

/** Throws unless this process may open `need` file descriptors (sockets); raises nothing. */
export function checkFileLimit(need: number, what: string): void {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim();
  const limit = out === 'unlimited' ? Infinity : Number(out);
  if (Number.isFinite(limit) && limit < need) throw new Error(`ulimit -n is ${limit}; ${what} needs at least ${need}`);
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

function start(name: string, module: string, cpu: number, env: Record<string, string>, stdio: StdioOptions, nodeArgs: string[] = [], wrapper: string[] = []): Child {
  const [cmd, args] = command(module, cpu, nodeArgs, wrapper);
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

/**
 * A server process (`dist/<module>.js`) on CPU 0, resolved once its stdout shows `ready` (bounded by
 * `timeoutMs`); `nodeArgs` go to its node (the memory section's `--inspect`), `wrapper` runs before
 * node (post-instructions' valgrind).
 */
export async function startServer(name: string, module: string, env: Record<string, string>, ready: string, timeoutMs = 30_000, nodeArgs: string[] = [], wrapper: string[] = []): Promise<Child> {
  const c = start(name, module, 0, env, ['ignore', 'pipe', 'pipe'], nodeArgs, wrapper);
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

/** A load generator (`dist/<module>.js`) on CPU 1, spoken to over the IPC channel (see ipc.ts). */
export function startGenerator(name: string, module: string): Child {
  return start(name, module, 1, {}, ['ignore', 'ignore', 'pipe', 'ipc']);
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system) the process has used so far, in ms (clock-tick resolution: 10 ms at 100 Hz). */
export function cpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces, so split after its closing paren).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of proc(5))
  return (ticks * 1000) / CLOCK_TICKS;
}

/** The process's resident set size from /proc/<pid>/status (VmRSS), in KiB. */
export function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}
