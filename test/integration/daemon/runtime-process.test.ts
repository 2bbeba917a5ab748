import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { ProcessRuntime } from '../../../src/daemon/runtime/process-runtime.ts';
import type { RuntimeContainerSpec } from '../../../src/daemon/runtime/runtime.ts';
import { isRuntimeError } from '../../../src/daemon/runtime/errors.ts';
import { onShimGone } from '../../../src/daemon/runtime/exit-file.ts';
import { tailLog } from '../../../src/daemon/containers/log-reader.ts';
import { resizeTerminal } from '../../../src/daemon/runtime/terminal-size.ts';

let root: string;
let count = 0;
const started: Array<{ runtime: ProcessRuntime; spec: RuntimeContainerSpec }> = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hookd-proc-rt-'));
});

after(async () => {
  if (!process.env.KEEP) for (const { runtime, spec } of started) await runtime.delete(spec.id, spec.stateDir);
  if (!process.env.KEEP) await rm(root, { recursive: true, force: true });
});

async function specFor(overrides: Partial<RuntimeContainerSpec>): Promise<RuntimeContainerSpec> {
  const id = `proc-${process.pid}-${++count}`;
  const dir = join(root, id);
  await mkdir(join(dir, 'rootfs', 'work'), { recursive: true });
  return {
    id, rootfs: join(dir, 'rootfs'), stateDir: join(dir, 'state'), logPath: join(dir, 'container.log'), exitPath: join(dir, 'state', 'exit.json'),
    args: ['echo', 'hi'], env: ['PATH=/usr/bin:/bin'], cwd: '/work', user: '', hostname: id, tty: false, openStdin: false, stdinOnce: false,
    mounts: [], networkMode: 'none', resources: {}, readonlyRootfs: false, prestartHooks: [], annotations: { 'io.hookd.test': 'yes' },
    ...overrides,
  };
}

async function run(runtime: ProcessRuntime, spec: RuntimeContainerSpec) {
  started.push({ runtime, spec });
  return runtime.start(spec);
}

async function logLines(path: string): Promise<Array<{ log: string; stream: string; time: string }>> {
  const text = await readFile(path, 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line));
}

test('runs the command in the rootfs cwd and logs stdout and stderr in json-file format', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sh', '-c', 'pwd; echo oops >&2; printf "no newline"'], env: ['PATH=/usr/bin:/bin', 'GREETING=hello'] });
  const { pid } = await run(runtime, spec);
  assert.ok(pid > 0);
  const status = await runtime.waitExit(spec.id, spec.stateDir);
  assert.deepEqual({ ...status, finishedAt: undefined }, { exitCode: 0, finishedAt: undefined });
  const lines = await logLines(spec.logPath);
  assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.log), [`${spec.rootfs}/work\n`, 'no newline']);
  assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.log), ['oops\n']);
  assert.ok(lines.every((l) => !Number.isNaN(Date.parse(l.time))));
  assert.deepEqual(await runtime.state(spec.id, spec.stateDir), { status: 'stopped' });
});

test('passes the env and records the exit code', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sh', '-c', 'echo "$GREETING"; exit 3'], env: ['PATH=/usr/bin:/bin', 'GREETING=hello'] });
  await run(runtime, spec);
  const status = await runtime.waitExit(spec.id, spec.stateDir);
  assert.equal(status.exitCode, 3);
  assert.deepEqual((await logLines(spec.logPath)).map((l) => l.log), ['hello\n']);
});

test('a command that does not exist rejects start with exit code 127 in the exit file', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['/no/such/binary'] });
  await assert.rejects(run(runtime, spec), (e) => isRuntimeError(e, 'ERR_RUNTIME_START_FAILED') && /no\/such\/binary/.test(e.message));
  const status = await runtime.waitExit(spec.id, spec.stateDir);
  assert.equal(status.exitCode, 127);
  assert.match(status.error ?? '', /executable file not found/);
});

test('prestart hooks run in order with the OCI state on stdin, before the process', async () => {
  const runtime = new ProcessRuntime();
  const marker = join(root, `hooks-${count + 1}.txt`);
  const spec = await specFor({
    args: ['sh', '-c', `echo process >> ${marker}`],
    prestartHooks: [
      { path: '/bin/sh', args: ['sh', '-c', `echo "first $HOOK_VAR" >> ${marker}; cat >> ${marker}; echo >> ${marker}`], env: ['HOOK_VAR=set'] },
      { path: '/bin/sh', args: ['sh', '-c', `echo second >> ${marker}`], env: [], timeoutSeconds: 5 },
    ],
  });
  await run(runtime, spec);
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 0);
  const [first, state, second, processLine] = (await readFile(marker, 'utf8')).trim().split('\n');
  assert.equal(first, 'first set');
  const parsed = JSON.parse(state ?? '');
  assert.equal(parsed.id, spec.id);
  assert.equal(parsed.bundle, spec.stateDir);
  assert.deepEqual(parsed.annotations, { 'io.hookd.test': 'yes' });
  assert.equal(second, 'second');
  assert.equal(processLine, 'process');
});

test('a failing prestart hook aborts the start: later hooks and the process never run', async () => {
  const runtime = new ProcessRuntime();
  const marker = join(root, `failing-${count + 1}.txt`);
  const spec = await specFor({
    args: ['sh', '-c', `echo process >> ${marker}`],
    prestartHooks: [
      { path: '/bin/sh', args: ['sh', '-c', 'echo quota refused >&2; exit 4'], env: [] },
      { path: '/bin/sh', args: ['sh', '-c', `echo second >> ${marker}`], env: [] },
    ],
  });
  await assert.rejects(run(runtime, spec), (e) => isRuntimeError(e, 'ERR_RUNTIME_HOOK_FAILED') && /#0.*status 4: quota refused/.test(e.message));
  const status = await runtime.waitExit(spec.id, spec.stateDir);
  assert.match(status.error ?? '', /quota refused/);
  assert.equal(existsSync(marker), false);
});

test('a prestart hook past its timeout is killed and fails the start', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ prestartHooks: [{ path: '/bin/sh', args: ['sh', '-c', 'exec sleep 30'], env: [], timeoutSeconds: 1 }] });
  await assert.rejects(run(runtime, spec), (e) => isRuntimeError(e, 'ERR_RUNTIME_HOOK_FAILED') && /timed out after 1s/.test(e.message));
});

test('kill signals the process group; the exit code says which signal', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sh', '-c', 'sleep 60 & wait'] });
  const { pid } = await run(runtime, spec);
  assert.deepEqual(await runtime.state(spec.id, spec.stateDir), { status: 'running', pid });
  await runtime.kill(spec.id, 'SIGTERM');
  const status = await runtime.waitExit(spec.id, spec.stateDir);
  assert.equal(status.exitCode, 128 + 15);
  await runtime.kill(spec.id, 'SIGTERM'); // after exit: a no-op, not an error
});

test('a new runtime instance (a restarted daemon) waits for, inspects and kills a container started by another', async () => {
  const first = new ProcessRuntime();
  const spec = await specFor({ args: ['sleep', '60'] });
  const { pid } = await run(first, spec);
  const second = new ProcessRuntime();
  await assert.rejects(second.kill(spec.id, 'SIGKILL'), (e) => isRuntimeError(e, 'ERR_RUNTIME_UNKNOWN_CONTAINER'));
  assert.deepEqual(await second.state(spec.id, spec.stateDir), { status: 'running', pid });
  const waiting = second.waitExit(spec.id, spec.stateDir);
  await second.kill(spec.id, 'SIGKILL');
  assert.equal((await waiting).exitCode, 137);
});

test('a container outlives the daemon process that started it, which exits on its own once start resolves', async () => {
  const spec = await specFor({ args: ['sleep', '60'] });
  await assertOutlivesItsDaemon(spec);
});

test('waitExit can be aborted, and resolves for a shim killed before it recorded an exit', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sleep', '60'] });
  await run(runtime, spec);
  const controller = new AbortController();
  const aborted = runtime.waitExit(spec.id, spec.stateDir, controller.signal);
  controller.abort(new Error('caller gave up'));
  await assert.rejects(aborted, /caller gave up/);
  const waiting = runtime.waitExit(spec.id, spec.stateDir);
  const shimPid = Number(await readFile(join(spec.stateDir, 'shim.pid'), 'utf8'));
  process.kill(shimPid, 'SIGKILL');
  const status = await waiting;
  assert.equal(status.exitCode, 137);
  assert.match(status.error ?? '', /shim exited without recording/);
});

test('stdin reaches the process through the fifo when openStdin is set', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['head', '-n', '1'], openStdin: true });
  await run(runtime, spec);
  const stdin = await runtime.openStdin(spec.id, spec.stateDir);
  assert.ok(stdin);
  stdin.end('typed line\n');
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 0);
  assert.deepEqual((await logLines(spec.logPath)).map((l) => l.log), ['typed line\n']);
  // The exit file comes just before the shim exits; wait for the exit itself (EOF on shim.alive).
  await new Promise<void>((resolve) => onShimGone(join(spec.stateDir, 'shim.alive'), new AbortController().signal, resolve));
  assert.equal(await runtime.openStdin(spec.id, spec.stateDir), undefined, 'no reader once the shim is gone');
});

/** Resolves once the container's log has a line matching `pattern` (waits on the log, not on time). */
async function logLine(path: string, pattern: RegExp): Promise<string> {
  const never = new AbortController().signal;
  for await (const entry of tailLog(path, { fromOffset: 0, until: never, signal: never })) {
    if (pattern.test(entry.log)) return entry.log;
  }
  throw new Error('unreachable: the tail ends only when aborted');
}

test('with stdinOnce, closing the first writer closes the process stdin: cat prints what it read and exits 0', { timeout: 15_000 }, async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['cat'], openStdin: true, stdinOnce: true });
  await run(runtime, spec);
  const stdin = await runtime.openStdin(spec.id, spec.stateDir);
  assert.ok(stdin);
  stdin.end('hello\n');
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 0);
  assert.deepEqual((await logLines(spec.logPath)).map((l) => l.log), ['hello\n']);
});

test('without stdinOnce, stdin stays open after a writer closes, for the next writer', { timeout: 15_000 }, async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sh', '-c', 'while read line; do echo "got $line"; done; echo eof'], openStdin: true });
  await run(runtime, spec);
  (await runtime.openStdin(spec.id, spec.stateDir))?.end('one\n');
  await logLine(spec.logPath, /got one/);
  const second = await runtime.openStdin(spec.id, spec.stateDir);
  assert.ok(second, 'a second attach can still write');
  second.end('two\n');
  await logLine(spec.logPath, /got two/);
  assert.equal((await runtime.state(spec.id, spec.stateDir)).status, 'running', 'no EOF reached the process');
  await runtime.kill(spec.id, 'SIGKILL');
  await runtime.waitExit(spec.id, spec.stateDir);
  assert.doesNotMatch(await readFile(spec.logPath, 'utf8'), /eof/);
});

test('stdinOnce holds across a daemon restart: a later daemon\'s writer closing ends the process stdin', { timeout: 30_000 }, async () => {
  const spec = await specFor({ args: ['cat'], openStdin: true, stdinOnce: true });
  const runtimeUrl = new URL('../../../src/daemon/runtime/process-runtime.ts', import.meta.url).href;
  await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    `const { ProcessRuntime } = await import(${JSON.stringify(runtimeUrl)});
     await new ProcessRuntime().start(JSON.parse(process.argv[1]));`, JSON.stringify(spec)], { cwd: process.cwd() });
  const runtime = new ProcessRuntime();
  started.push({ runtime, spec });
  assert.equal((await runtime.state(spec.id, spec.stateDir)).status, 'running', 'the first daemon is gone; its exit closed no stdin');
  const stdin = await runtime.openStdin(spec.id, spec.stateDir);
  assert.ok(stdin);
  stdin.end('after restart\n');
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 0);
  assert.deepEqual((await logLines(spec.logPath)).map((l) => l.log), ['after restart\n']);
});

test('exec runs a command in the container rootfs and delete removes the runtime state', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sleep', '60'] });
  await writeFile(join(spec.rootfs, 'work', 'hello.sh'), '#!/bin/sh\necho "exec in $(pwd) $X"\n');
  await chmod(join(spec.rootfs, 'work', 'hello.sh'), 0o755);
  await run(runtime, spec);
  const child = await runtime.exec(spec.id, spec.stateDir, { args: ['./hello.sh'], env: ['X=y'], cwd: '/work', user: '', tty: false });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise((resolve) => child.once('close', resolve));
  assert.equal(code, 0);
  assert.equal(out, `exec in ${spec.rootfs}/work y\n`);
  await runtime.delete(spec.id, spec.stateDir);
  assert.equal(existsSync(join(spec.stateDir, 'shim.json')), false);
  assert.equal((await runtime.state(spec.id, spec.stateDir)).status, 'unknown');
  await runtime.delete(spec.id, spec.stateDir); // idempotent
});

test('update is recorded only: it returns normally and says at debug level that there are no cgroups', async () => {
  const lines: Array<{ obj: object; msg?: string }> = [];
  const runtime = new ProcessRuntime({ logger: { debug: (obj, msg) => lines.push({ obj, msg }), warn: () => undefined } });
  const spec = await specFor({ args: ['sleep', '60'] });
  await run(runtime, spec);
  await runtime.update(spec.id, spec.stateDir, { Memory: 64 * 1024 * 1024 });
  assert.equal(lines.length, 1);
  assert.match(lines[0]?.msg ?? '', /no cgroups/);
  assert.deepEqual(lines[0]?.obj, { container: spec.id, resources: { Memory: 64 * 1024 * 1024 } });
  assert.equal((await runtime.state(spec.id, spec.stateDir)).status, 'running');
});

/** The stdout entries of a container's log, joined (a tty has no stderr: a terminal is one stream). */
async function terminalOutput(path: string): Promise<string> {
  const lines = await logLines(path);
  assert.deepEqual(lines.filter((l) => l.stream !== 'stdout'), [], 'a terminal has one stream');
  return lines.map((l) => l.log).join('');
}

test('a tty container runs on a pseudo-terminal: tty prints a /dev/pts path with CRLF line ends, and the exit code is the command\'s', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sh', '-c', 'tty; echo to-stderr >&2; exit 3'], tty: true });
  await run(runtime, spec);
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 3);
  assert.match(await terminalOutput(spec.logPath), /^\/dev\/pts\/\d+\r\nto-stderr\r\n$/);
});

test('in a tty container stdin and stdout are terminals ([ -t 0 ] && [ -t 1 ] exits 0); without Tty they are not', async () => {
  const runtime = new ProcessRuntime();
  const withTty = await specFor({ args: ['sh', '-c', '[ -t 0 ] && [ -t 1 ]'], tty: true });
  await run(runtime, withTty);
  assert.equal((await runtime.waitExit(withTty.id, withTty.stateDir)).exitCode, 0);
  const withoutTty = await specFor({ args: ['sh', '-c', '[ -t 0 ] && [ -t 1 ]'], openStdin: true });
  await run(runtime, withoutTty);
  assert.equal((await runtime.waitExit(withoutTty.id, withoutTty.stateDir)).exitCode, 1);
});

test('a tty container\'s pid is the command\'s, not script(1)\'s: kill signals it and the exit code says which signal', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sleep', '60'], tty: true });
  const { pid } = await run(runtime, spec);
  // Read at once, the pid may still be the shell about to exec the command; its parent is script.
  const parentPid = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ')[1];
  assert.equal((await readFile(`/proc/${parentPid}/comm`, 'utf8')).trim(), 'script');
  assert.deepEqual(await runtime.state(spec.id, spec.stateDir), { status: 'running', pid });
  await runtime.kill(spec.id, 'SIGTERM');
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 128 + 15);
});

test('a tty container outlives the daemon process that started it', async () => {
  const spec = await specFor({ args: ['sleep', '60'], tty: true });
  await assertOutlivesItsDaemon(spec);
});

test('stdin from the relay reaches a tty container, echoed by the terminal as Docker\'s is', { timeout: 15_000 }, async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sh', '-c', 'read line; echo "got $line"'], tty: true, openStdin: true, stdinOnce: true });
  await run(runtime, spec);
  const stdin = await runtime.openStdin(spec.id, spec.stateDir);
  assert.ok(stdin);
  stdin.end('typed\n');
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 0);
  assert.equal(await terminalOutput(spec.logPath), 'typed\r\ngot typed\r\n');
});

test('a tty container whose command does not exist still fails the start with 127', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['no-such-command-here'], tty: true });
  await assert.rejects(run(runtime, spec), (e) => isRuntimeError(e, 'ERR_RUNTIME_START_FAILED') && /no-such-command-here.*not found/.test(e.message));
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 127);
});

test('exec with tty runs the command on a pseudo-terminal and returns its exit code', async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sleep', '60'] });
  await run(runtime, spec);
  const child = await runtime.exec(spec.id, spec.stateDir, { args: ['sh', '-c', 'tty; exit 4'], env: [], cwd: '/work', user: '', tty: true });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise((resolve) => child.once('close', resolve));
  assert.equal(code, 4);
  assert.match(out, /^\/dev\/pts\/\d+\r\n$/);
});

/** Resolves with everything the child printed once its stdout has matched `pattern`. */
function outputUntil(child: ChildProcess, pattern: RegExp): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (pattern.test(out)) resolve(out);
    });
    child.once('close', () => reject(new Error(`exited before printing ${pattern}: ${JSON.stringify(out)}`)));
  });
}

test('resizeTerminal sets the size of a tty container\'s terminal, found from its pid', { timeout: 15_000 }, async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sh', '-c', 'echo ready; read line; stty size'], tty: true, openStdin: true });
  const { pid } = await run(runtime, spec);
  await logLine(spec.logPath, /ready/);
  assert.equal(await resizeTerminal(pid, { rows: 30, cols: 100 }), true);
  (await runtime.openStdin(spec.id, spec.stateDir))?.end('go\n');
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 0);
  assert.match(await terminalOutput(spec.logPath), /\r\n30 100\r\n$/);
  assert.equal(await resizeTerminal(pid, { rows: 30, cols: 100 }), false, 'nothing to resize once it exited');
});

test('resizeTerminal finds a tty exec\'s terminal below script(1), from the exec\'s pid', { timeout: 15_000 }, async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['sleep', '60'] });
  await run(runtime, spec);
  const child = await runtime.exec(spec.id, spec.stateDir, { args: ['sh', '-c', 'echo ready; read line; stty size'], env: [], cwd: '/work', user: '', tty: true });
  const ready = outputUntil(child, /ready\r\n/);
  const sized = ready.then(() => outputUntil(child, /\d+ \d+\r\n$/));
  await ready;
  assert.equal(await resizeTerminal(child.pid!, { rows: 42, cols: 120 }), true);
  child.stdin?.write('go\n');
  assert.match(await sized, /\r\n42 120\r\n$/);
});

test('with stdinOnce, closing the writer reaches a tty container as the terminal\'s EOF: cat exits 0', { timeout: 15_000 }, async () => {
  const runtime = new ProcessRuntime();
  const spec = await specFor({ args: ['cat'], tty: true, openStdin: true, stdinOnce: true });
  await run(runtime, spec);
  (await runtime.openStdin(spec.id, spec.stateDir))?.end('hello\n');
  assert.equal((await runtime.waitExit(spec.id, spec.stateDir)).exitCode, 0);
  assert.equal(await terminalOutput(spec.logPath), 'hello\r\nhello\r\n', 'the echo, then what cat printed');
});

/**
 * Starts `spec` from a separate "daemon" process that prints the pid and must then exit by itself
 * (nothing of the shim may keep its event loop alive); a new runtime instance then finds the
 * container running, and stops it.
 */
async function assertOutlivesItsDaemon(spec: Awaited<ReturnType<typeof specFor>>): Promise<void> {
  const runtimeUrl = new URL('../../../src/daemon/runtime/process-runtime.ts', import.meta.url).href;
  const daemon = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    `const { ProcessRuntime } = await import(${JSON.stringify(runtimeUrl)});
     const { pid } = await new ProcessRuntime().start(JSON.parse(process.argv[1]));
     console.log(pid);`, JSON.stringify(spec)], { cwd: process.cwd() });
  const pid = Number(daemon.stdout.trim());
  const runtime = new ProcessRuntime();
  started.push({ runtime, spec });
  assert.deepEqual(await runtime.state(spec.id, spec.stateDir), { status: 'running', pid });
  const waiting = runtime.waitExit(spec.id, spec.stateDir);
  await runtime.kill(spec.id, 'SIGTERM');
  assert.equal((await waiting).exitCode, 128 + 15);
}
