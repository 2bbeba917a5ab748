// Checks of the plugin as a process and a server: refusing to run by hand, starting within the
// start timeout, staying off stdout, Shutdown, and exiting when stdin closes (docs/protocol.md
// §4, §5). The start check is also where the session's process and clients come from.

import { pino } from 'pino';

import { createPluginClients, callUnary } from '../host/grpc-client.ts';
import { waitForDescribe } from '../host/handshake.ts';
import type { ExitInfo } from '../host/launcher.ts';
import { DOC } from './docs-links.ts';
import { startObservedProcess, type ExitStatus, type ObservedProcess } from './observed-process.ts';
import type { Check, CheckResult, Session } from './types.ts';

const SILENT = pino({ level: 'silent' });

export function describeExit(exit: ExitStatus): string {
  return exit.signal ? `on signal ${exit.signal}` : `with code ${exit.code}`;
}

function asExitInfo(exited: Promise<ExitStatus>): Promise<ExitInfo> {
  return exited.then((exit) => ({ ...exit, description: describeExit(exit) }));
}

function stderrTail(process: ObservedProcess): string {
  return process.output.stderrLines.slice(-3).join(' | ');
}

/** Launches the target with the HOOKD_* variables and waits for its first Describe. */
export async function launchAndDescribe(session: Session, record: (process: ObservedProcess) => void): Promise<{ process: ObservedProcess; ms: number; error?: unknown }> {
  const { target } = session.options;
  if (target.mode !== 'launch') throw new TypeError('launchAndDescribe needs launch mode');
  const process = await startObservedProcess(target, session.runtimeDir, true);
  record(process);
  const clients = createPluginClients(target.name, process.address!);
  try {
    await waitForDescribe({
      plugin: target.name, clients, startTimeoutMs: session.options.startTimeoutMs, hostName: 'hookd-plugin-test', hostVersion: '1',
      config: session.options.config, logger: SILENT, exited: asExitInfo(process.exited), stderrTail: () => stderrTail(process),
      signal: new AbortController().signal,
    }, process.startedAt + session.options.startTimeoutMs);
    return { process, ms: Date.now() - process.startedAt };
  } catch (error) {
    return { process, ms: Date.now() - process.startedAt, error };
  } finally {
    clients.close();
  }
}

const runByHand: Check = {
  id: 'run-by-hand',
  title: 'refuses to run by hand (no HOOKD_* variables)',
  modes: ['launch'],
  requiresDescribe: false,
  async run(session) {
    const { target } = session.options;
    if (target.mode !== 'launch') throw new TypeError('launch mode only');
    const process = await startObservedProcess(target, session.runtimeDir, false);
    session.strays.push(process);
    // stdin stays open, as a terminal's would: exiting because stdin closed is not a refusal.
    const boundMs = session.options.startTimeoutMs;
    const exit = await process.waitForExit(boundMs);
    const ms = Date.now() - process.startedAt;
    const fix = 'when neither HOOKD_PLUGIN_ADDRESS nor HOOKD_LISTEN is set, serve nowhere: print on stderr that this is a hookd plugin started by the hookd daemon, and exit 1';
    if (!exit) {
      await process.kill();
      return { status: 'fail', summary: `still running ${boundMs} ms after being started without HOOKD_* variables`, fix, doc: DOC.runByHand };
    }
    const stderr = process.output.stderrLines.join('\n');
    const problems: string[] = [];
    if (exit.code === 0 || exit.code === null) problems.push(`exited ${describeExit(exit)}; a refusal exits non-zero`);
    if (!/hookd/i.test(stderr)) problems.push(`its stderr does not mention hookd${stderr ? ` (got: ${JSON.stringify(stderr.slice(0, 160))})` : ' (it was empty)'}`);
    if (process.output.stdoutBytes > 0) problems.push(`it wrote ${process.output.stdoutBytes} bytes to stdout (${JSON.stringify(process.output.stdoutHead.slice(0, 80))})`);
    if (problems.length > 0) return { status: 'fail', summary: problems.join('; '), fix, doc: DOC.runByHand };
    return { status: 'pass', summary: `exited ${describeExit(exit)} after ${ms} ms, saying on stderr what it is: ${JSON.stringify(firstLine(stderr, 100))}` };
  },
};

function firstLine(text: string, max: number): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

const start: Check = {
  id: 'start',
  title: 'answers Describe within the start timeout',
  modes: ['launch', 'attach'],
  requiresDescribe: false,
  async run(session) {
    const { options } = session;
    const { target } = options;
    if (target.mode === 'launch') {
      let launched;
      try {
        launched = await launchAndDescribe(session, (process) => { session.process = process; });
      } catch (error) {
        return { status: 'fail', summary: `could not be started: ${(error as Error).message}`, fix: 'check the command, its arguments and the working directory' };
      }
      if (launched.error) return startFailure(launched.error, options.startTimeoutMs);
      session.clients = createPluginClients(target.name, launched.process.address!);
      session.facts.isReachable = true;
      return { status: 'pass', summary: `first Describe answered ${launched.ms} ms after launch (start timeout ${options.startTimeoutMs} ms)` };
    }
    const startedAt = Date.now();
    try {
      session.clients = createPluginClients(target.name, target.address, target.tls);
    } catch (error) {
      return { status: 'fail', summary: (error as Error).message, fix: 'a TCP address needs TLS: pass --ca (and --cert/--key for mutual TLS)', doc: DOC.transport };
    }
    try {
      await waitForDescribe({
        plugin: target.name, clients: session.clients, startTimeoutMs: options.startTimeoutMs, hostName: 'hookd-plugin-test', hostVersion: '1',
        config: options.config, logger: SILENT, signal: new AbortController().signal,
      }, startedAt + options.startTimeoutMs);
    } catch (error) {
      return startFailure(error, options.startTimeoutMs);
    }
    session.facts.isReachable = true;
    return { status: 'pass', summary: `first Describe answered ${Date.now() - startedAt} ms after dialling ${target.address} (start timeout ${options.startTimeoutMs} ms)` };
  },
};

function startFailure(error: unknown, startTimeoutMs: number): CheckResult {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PLUGIN_EXITED') {
    return { status: 'fail', summary: message, fix: 'serve hookd.v1.Plugin on HOOKD_PLUGIN_ADDRESS and keep running until stdin closes; the quoted stderr says why it stopped', doc: DOC.lifecycle };
  }
  return {
    status: 'fail',
    summary: message,
    fix: `bind the address in HOOKD_PLUGIN_ADDRESS (or HOOKD_LISTEN) and answer Describe within ${startTimeoutMs} ms; raise --timeout-ms if the plugin is just slow to start`,
    doc: DOC.lifecycle,
  };
}

const stdout: Check = {
  id: 'stdout',
  title: 'keeps stdout quiet and logs JSON lines on stderr',
  modes: ['launch'],
  requiresDescribe: true,
  async run(session) {
    const process = session.process!;
    // Output written just before exit may still be in the pipe: wait for the process if it is ending.
    if (!process.hasExited()) await process.waitForExit(100);
    const { stdoutBytes, stdoutHead, stderrLines, jsonLogLines } = process.output;
    const plain = stderrLines.length - jsonLogLines;
    const stderrNote = stderrLines.length === 0
      ? 'nothing on stderr'
      : `${stderrLines.length} stderr line${stderrLines.length === 1 ? '' : 's'}, ${jsonLogLines} of them JSON log lines with a level${jsonLogLines > 0 && plain === 0 ? ' (good)' : ''}`;
    if (stdoutBytes > 0) {
      return {
        status: 'warn',
        summary: `wrote ${stdoutBytes} bytes to stdout, first: ${JSON.stringify(stdoutHead.slice(0, 80))}; ${stderrNote}`,
        fix: 'stdout is not a channel: the host only logs it as noise. Write logs to stderr, one JSON object per line with "level" and "msg"',
        doc: DOC.processRules,
      };
    }
    const details = plain > 0 ? [`plain-text stderr lines are logged at warn by the host, e.g. ${JSON.stringify(stderrLines.find((line) => !line.startsWith('{'))?.slice(0, 120))}`] : undefined;
    return { status: 'pass', summary: `no bytes on stdout; ${stderrNote}`, ...(details ? { details } : {}) };
  },
};

const shutdown: Check = {
  id: 'shutdown',
  title: 'answers Shutdown, then exits',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const { options } = session;
    const startedAt = Date.now();
    try {
      await callUnary(session.clients!.plugin, 'Shutdown', { reason: 'hookd plugin test' }, {
        deadline: startedAt + options.callTimeoutMs, plugin: options.target.name, hook: 'Shutdown',
      });
    } catch (error) {
      if (session.process?.hasExited()) {
        return { status: 'fail', summary: `exited before answering Shutdown (${(error as Error).message})`, fix: 'answer Shutdown first, then exit: exiting first shows up as a transport error in the daemon\'s log', doc: DOC.describe };
      }
      return { status: 'fail', summary: (error as Error).message, fix: 'answer Shutdown with an empty ShutdownResponse, then stop', doc: DOC.describe };
    }
    const answeredMs = Date.now() - startedAt;
    const process = session.process;
    if (!process) return { status: 'pass', summary: `answered in ${answeredMs} ms (a sidecar decides itself what happens next)` };
    // stdin stays open here: this measures Shutdown alone; stdin-close is its own check.
    const exit = await process.waitForExit(options.exitGraceMs);
    if (!exit) {
      return {
        status: 'fail',
        summary: `answered in ${answeredMs} ms but was still running ${options.exitGraceMs} ms later (the host would SIGTERM, then SIGKILL its process group)`,
        fix: 'after answering Shutdown, finish calls in flight and exit 0 within a few seconds',
        doc: DOC.lifecycle,
      };
    }
    const exitedMs = Date.now() - startedAt;
    if (exit.code !== 0) {
      return { status: 'warn', summary: `answered in ${answeredMs} ms, exited ${describeExit(exit)} after ${exitedMs} ms`, fix: 'exit with status 0 after a Shutdown', doc: DOC.lifecycle };
    }
    return { status: 'pass', summary: `answered in ${answeredMs} ms, exited with code 0 after ${exitedMs} ms` };
  },
};

const stdinClose: Check = {
  id: 'stdin-close',
  title: 'exits when stdin closes (a second launch)',
  modes: ['launch'],
  requiresDescribe: true,
  async run(session) {
    const launched = await launchAndDescribe(session, (process) => session.strays.push(process));
    const { process } = launched;
    if (launched.error) {
      await process.kill();
      return { status: 'fail', summary: `the second launch did not start: ${(launched.error as Error).message}`, doc: DOC.lifecycle };
    }
    const closedAt = Date.now();
    process.closeStdin();
    const exit = await process.waitForExit(session.options.exitGraceMs);
    if (!exit) {
      await process.kill();
      return {
        status: 'fail',
        summary: `still running ${session.options.exitGraceMs} ms after its stdin closed: a daemon killed with SIGKILL would leave it behind as an orphan`,
        fix: 'read stdin until end of file (discarding what you read) and exit 0 at end of file',
        doc: DOC.processRules,
      };
    }
    const ms = Date.now() - closedAt;
    if (exit.code !== 0) return { status: 'warn', summary: `exited ${describeExit(exit)} ${ms} ms after stdin closed`, fix: 'exit with status 0 when stdin closes', doc: DOC.processRules };
    return { status: 'pass', summary: `exited with code 0, ${ms} ms after stdin closed` };
  },
};

export const LIFECYCLE_CHECKS = { runByHand, start, stdout, shutdown, stdinClose } as const;
