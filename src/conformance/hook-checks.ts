// Checks of the hook RPCs: every subscribed hook with realistic inputs (reply shape, determinism,
// HandleHttp for claimed routes), UNIMPLEMENTED for the rest, and concurrent calls
// (docs/protocol.md §1, §7, §8).

import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

import { isHookdError } from '../host/errors.ts';
import { callUnary } from '../host/grpc-client.ts';
import { HOOKS, hookSpec, type HookName } from '../host/hooks.ts';
import { DOC } from './docs-links.ts';
import { HOOK_PROBES, handleHttpRequest, judgeHandleHttp, type ProbeCall, type RouteClaim } from './hook-probes.ts';
import { grpcCodeOf } from './protocol-checks.ts';
import type { Check, CheckResult, ReportedResult, Session } from './types.ts';

/** Statuses a handler returns on purpose to refuse (docs/protocol.md §8). */
const DELIBERATE_REFUSALS = new Set(['INVALID_ARGUMENT', 'FAILED_PRECONDITION', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'OUT_OF_RANGE', 'ALREADY_EXISTS', 'NOT_FOUND']);

export type CallOutcome = { ok: true; reply: unknown; ms: number } | { ok: false; error: unknown; ms: number };

export async function call(session: Session, rpc: string, hook: string, request: object): Promise<CallOutcome> {
  const startedAt = Date.now();
  try {
    const reply = await callUnary<unknown>(session.clients!.plugin, rpc, request, {
      deadline: startedAt + session.options.callTimeoutMs, plugin: session.options.target.name, hook,
    });
    return { ok: true, reply, ms: Date.now() - startedAt };
  } catch (error) {
    return { ok: false, error, ms: Date.now() - startedAt };
  }
}

/** A reply with its JSON bytes decoded, so two replies compare by meaning, not key order. */
function comparable(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const text = Buffer.from(value).toString('utf8');
    try {
      return { json: JSON.parse(text) as unknown };
    } catch {
      return { bytes: text }; // not JSON: compared as text
    }
  }
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, comparable(item)]));
  return value;
}

/** What a failed hook call means for a plugin that subscribed to the hook. */
export function judgeCallError(session: Session, hook: string, error: unknown): CheckResult {
  const code = grpcCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'UNIMPLEMENTED') {
    return { status: 'fail', summary: `answers UNIMPLEMENTED although Describe lists ${hook}`, fix: 'implement the hook, or leave it out of Describe (the SDKs derive the list from your handlers)', doc: DOC.describe };
  }
  if (code !== undefined && DELIBERATE_REFUSALS.has(code)) {
    return { status: 'warn', summary: `refused the realistic input with ${code}: ${message}`, fix: 'a refusal aborts the daemon operation under the fail policy: make sure an ordinary request is not refused', doc: DOC.errors };
  }
  if (code === 'UNKNOWN' || code === 'INTERNAL') {
    return { status: 'fail', summary: `the handler failed (${code}): ${message}`, fix: 'the handler threw or panicked on a realistic input; refuse on purpose with INVALID_ARGUMENT and a message instead', doc: DOC.errors };
  }
  if (isHookdError(error, 'ERR_HOOK_TIMEOUT')) {
    return { status: 'fail', summary: message, fix: `answer within the call timeout (${session.options.callTimeoutMs} ms here; the manifest's timeoutMs in the daemon)`, doc: DOC.hooks };
  }
  if (session.process?.hasExited()) {
    return { status: 'fail', summary: `the process exited during the call: ${message}`, fix: 'the plugin crashed on a realistic input; see its stderr', doc: DOC.hooks };
  }
  return { status: 'fail', summary: message, doc: isHookdError(error, 'ERR_HOOK_BAD_REPLY') ? DOC.hooks : DOC.errors };
}

/** Runs one probe call twice and judges the first reply; a different second reply is a warning. */
async function probeCall(session: Session, hook: HookName, probe: ProbeCall): Promise<{ result: CheckResult; routes?: RouteClaim[]; ms: number }> {
  const spec = hookSpec(hook);
  const first = await call(session, spec.rpc, hook, probe.request);
  if (!first.ok) return { result: judgeCallError(session, hook, first.error), ms: first.ms };
  const verdict = HOOK_PROBES[hook].judge(first.reply, probe, session.options.target.name);
  if (verdict.problems.length > 0) {
    const doc = hook === 'container.preStart' ? DOC.ociHooks : spec.document ? DOC.jsonDocuments : DOC.hooks;
    return { result: { status: 'fail', summary: verdict.problems.join('; '), fix: fixFor(hook), doc }, ms: first.ms };
  }
  const warnings: string[] = [];
  if (hook === 'container.preStart') warnings.push(...missingHookPaths(first.reply));
  const second = await call(session, spec.rpc, hook, probe.request);
  if (!second.ok) warnings.push(`a second identical call failed: ${(second.error as Error).message}`);
  else if (!isDeepStrictEqual(comparable(first.reply), comparable(second.reply))) {
    warnings.push('a second identical call gave a different reply: the daemon may call a hook again (restarts, retries) and expects the same answer');
  }
  const summary = `${verdict.notes.join(', ')} in ${first.ms} ms`;
  const result: CheckResult = warnings.length > 0
    ? { status: 'warn', summary, details: warnings, doc: DOC.hooks }
    : { status: 'pass', summary };
  return { result, ms: first.ms, ...(verdict.routes ? { routes: verdict.routes } : {}) };
}

function fixFor(hook: HookName): string {
  if (hook === 'container.preStart') return 'each OCI hook needs an absolute path, args and env as strings ("KEY=VALUE"), and a priority that fits in 32 bits';
  if (hook === 'api.updateHandler') return 'routes need an HTTP method and a path starting with "/"; remove and wrap only routes that exist; a wrap sets before and/or after';
  if (hook === 'image.postPull') return 'return snapshotter names as non-empty strings';
  return 'leave the JsonDocument unset for "unchanged", or set it to the whole document as valid JSON of the same kind as the input (an object for an object)';
}

function missingHookPaths(reply: unknown): string[] {
  const hooks = ((reply as { hooks?: Array<{ path?: string }> }).hooks ?? []);
  return hooks.filter((hook) => typeof hook.path === 'string' && !existsSync(hook.path))
    .map((hook) => `OCI hook path ${hook.path} does not exist on this host (it must exist where the daemon runs)`);
}

/** Calls HandleHttp for every route the plugin added or wrapped, in the phase it asked for. */
async function probeRoutes(session: Session, routes: RouteClaim[]): Promise<ReportedResult> {
  const id = 'hook api.updateHandler/HandleHttp';
  const title = 'HandleHttp answers the routes it claims';
  if (routes.length === 0) return { id, title, status: 'skip', summary: 'no route added or wrapped' };
  const problems: string[] = [];
  const timings: number[] = [];
  for (const route of routes) {
    const outcome = await call(session, 'HandleHttp', 'HandleHttp', handleHttpRequest(route));
    timings.push(outcome.ms);
    if (!outcome.ok) problems.push(`${route.method} ${route.path} (${route.phase}): ${(outcome.error as Error).message}`);
    else problems.push(...judgeHandleHttp(route, outcome.reply));
  }
  if (problems.length > 0) {
    return { id, title, status: 'fail', summary: `${problems.length} of ${routes.length} route call(s) failed`, details: problems, fix: 'serve HandleHttp for every route you add (SERVE: return a response) or wrap', doc: DOC.hooks };
  }
  return { id, title, status: 'pass', summary: `${routes.length} route call(s) answered, slowest ${Math.max(...timings)} ms` };
}

const subscribedHooks: Check = {
  id: 'hooks',
  title: 'subscribed hooks answer realistic inputs',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const results: ReportedResult[] = [];
    for (const hook of session.facts.subscribed) {
      const calls = HOOK_PROBES[hook].calls(session.scratchDir);
      for (const probe of calls) {
        const id = `hook ${hook}${probe.label ? ` (${probe.label})` : ''}`;
        const { result, routes } = await probeCall(session, hook, probe);
        results.push({ id, title: `${hook} ${probe.label}`.trim(), ...result });
        if (routes) {
          session.facts.claimedRoutes = routes;
          results.push(await probeRoutes(session, routes));
        }
      }
    }
    if (results.length === 0) return [{ id: 'hooks', title: 'subscribed hooks', status: 'skip', summary: 'Describe lists no hook' }];
    return results;
  },
};

const unsubscribedHooks: Check = {
  id: 'unsubscribed',
  title: 'hooks it does not subscribe to answer UNIMPLEMENTED',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const others = HOOKS.filter((spec) => !session.facts.subscribed.includes(spec.name));
    if (others.length === 0) return { status: 'skip', summary: 'it subscribes to every hook' };
    const offenders: string[] = [];
    for (const spec of others) {
      const [probe] = HOOK_PROBES[spec.name].calls(session.scratchDir);
      const outcome = await call(session, spec.rpc, spec.name, probe!.request);
      if (outcome.ok) offenders.push(`${spec.rpc} answered successfully`);
      else if (grpcCodeOf(outcome.error) !== 'UNIMPLEMENTED') offenders.push(`${spec.rpc}: ${(outcome.error as Error).message}`);
    }
    if (offenders.length > 0) {
      return {
        status: 'warn',
        summary: `${offenders.length} of ${others.length} unsubscribed hook(s) did not answer UNIMPLEMENTED`,
        details: offenders,
        fix: 'answer UNIMPLEMENTED for hooks you do not implement (most gRPC servers do when the method is not registered)',
        doc: DOC.describe,
      };
    }
    return { status: 'pass', summary: `all ${others.length} answered UNIMPLEMENTED` };
  },
};

const concurrency: Check = {
  id: 'concurrency',
  title: 'answers concurrent calls',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const count = session.options.concurrency;
    const hook = session.facts.subscribed[0];
    const rpc = hook ? hookSpec(hook).rpc : 'Describe';
    const request = hook ? HOOK_PROBES[hook].calls(session.scratchDir)[0]!.request : { host_protocol_versions: ['1'] };
    const startedAt = Date.now();
    const outcomes = await Promise.all(Array.from({ length: count }, () => call(session, rpc, hook ?? 'Describe', request)));
    const ms = Date.now() - startedAt;
    // A deliberate refusal is an answer too; what must not happen is a timeout or a torn connection.
    const unanswered = outcomes.filter((outcome) => !outcome.ok && grpcCodeOf(outcome.error) === undefined);
    if (unanswered.length > 0) {
      const first = unanswered[0] as { error: unknown };
      return {
        status: 'fail',
        summary: `${unanswered.length} of ${count} parallel ${rpc} calls got no answer (${(first.error as Error).message})`,
        fix: 'the host sends up to maxInFlight (default 32) calls at once on one connection: serve them concurrently',
        doc: 'docs/protocol.md §1 Roles',
      };
    }
    const slowest = Math.max(...outcomes.map((outcome) => outcome.ms));
    return { status: 'pass', summary: `${count} parallel ${rpc} calls all answered in ${ms} ms (slowest ${slowest} ms)` };
  },
};

export const HOOK_CHECKS = { subscribedHooks, unsubscribedHooks, concurrency } as const;
