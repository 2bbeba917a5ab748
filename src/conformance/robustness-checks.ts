// Checks of what plugins written from the realistic inputs alone get wrong (issue 14): crashing on
// the minimal input a plain `docker run` makes (no Env, empty Labels), dropping fields of a
// document they do not know (the daemon reads a vanished key as a removal claim, so a newer
// client's field would silently disappear), and ignoring SIGTERM (the host's second step when it
// stops a plugin that did not exit after Shutdown; docs/protocol.md §4 step 10, §5).

import { isDeepStrictEqual } from 'node:util';

import { isHookdError } from '../host/errors.ts';
import { hookSpec, type HookName } from '../host/hooks.ts';
import { decodeReplyDocument } from '../host/reply-decode.ts';
import { DOC } from './docs-links.ts';
import { call, judgeCallError } from './hook-checks.ts';
import { HOOK_PROBES, type ProbeCall } from './hook-probes.ts';
import { describeExit, launchAndDescribe } from './lifecycle-checks.ts';
import { minimalCreateConfig, minimalInspect, minimalUpdateBody, minimalVolumeCreateConfig } from './minimal-inputs.ts';
import type { Check, CheckResult, ReportedResult, Session } from './types.ts';

/** Minimal documents per merge hook; container.preStart gets a minimal container_json instead. */
const MINIMAL_DOCUMENTS: Partial<Record<HookName, () => Record<string, unknown>>> = {
  'container.preCreate': minimalCreateConfig,
  'cri.preCreateContainer': minimalCreateConfig,
  'container.preUpdate': minimalUpdateBody,
  'volume.preCreate': minimalVolumeCreateConfig,
};

/** Fields no plugin can know: one at the top, one nested in an object the plugin is likely to edit. */
const UNKNOWN_TOP = 'XHookdConformanceUnknown';
const UNKNOWN_VALUE = { kept: ['as', 'sent', 1, null, { deep: true }] };
const UNKNOWN_NESTED = 'XHookdConformanceNested';

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** The hook's realistic call with its document (or container_json) replaced. */
function withDocument(hook: HookName, scratchDir: string, document: Record<string, unknown>, field?: string): ProbeCall {
  const [realistic] = HOOK_PROBES[hook].calls(scratchDir);
  const requestField = field ?? hookSpec(hook).document!.requestField;
  return { label: '', request: { ...realistic!.request, [requestField]: json(document) }, inputDocument: document };
}

function minimalCall(hook: HookName, scratchDir: string): ProbeCall | undefined {
  if (hook === 'container.preStart') return withDocument(hook, scratchDir, minimalInspect(scratchDir), 'container_json');
  const build = MINIMAL_DOCUMENTS[hook];
  return build ? withDocument(hook, scratchDir, build()) : undefined;
}

async function judgeMinimal(session: Session, hook: HookName, probe: ProbeCall): Promise<CheckResult> {
  const outcome = await call(session, hookSpec(hook).rpc, hook, probe.request);
  if (!outcome.ok) {
    const verdict = judgeCallError(session, hook, outcome.error);
    return verdict.status === 'fail'
      ? { ...verdict, fix: 'read every field with a default (Env, Labels, Volumes, HostConfig fields may be absent or null): this is what a plain `docker run busybox true` sends', doc: DOC.jsonDocuments }
      : verdict;
  }
  const verdict = HOOK_PROBES[hook].judge(outcome.reply, probe, session.options.target.name);
  if (verdict.problems.length > 0) return { status: 'fail', summary: verdict.problems.join('; '), doc: DOC.jsonDocuments };
  return { status: 'pass', summary: `${verdict.notes.join(', ')} in ${outcome.ms} ms` };
}

const minimalInputs: Check = {
  id: 'minimal-inputs',
  title: 'subscribed hooks handle minimal inputs (no Env, empty Labels)',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const results: ReportedResult[] = [];
    for (const hook of session.facts.subscribed) {
      const probe = minimalCall(hook, session.scratchDir);
      if (probe) results.push({ id: `minimal ${hook}`, title: `${hook} with a minimal input`, ...await judgeMinimal(session, hook, probe) });
    }
    if (results.length === 0) return [{ id: 'minimal-inputs', title: 'minimal inputs', status: 'skip', summary: 'no subscribed hook takes a container or volume document' }];
    return results;
  },
};

/** The realistic document plus fields the plugin cannot know, at the top and inside HostConfig (when there is one). */
function withUnknownFields(document: Record<string, unknown>): Record<string, unknown> {
  const extended: Record<string, unknown> = { ...document, [UNKNOWN_TOP]: structuredClone(UNKNOWN_VALUE) };
  if (isObject(document.HostConfig)) extended.HostConfig = { ...document.HostConfig, [UNKNOWN_NESTED]: 42 };
  return extended;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Paths of the unknown fields that did not come back as sent. */
function lostUnknownFields(sent: Record<string, unknown>, returned: unknown): string[] {
  const lost: string[] = [];
  const back = isObject(returned) ? returned : {};
  if (!isDeepStrictEqual(back[UNKNOWN_TOP], sent[UNKNOWN_TOP])) lost.push(`${UNKNOWN_TOP} (sent ${JSON.stringify(sent[UNKNOWN_TOP])}, got ${JSON.stringify(back[UNKNOWN_TOP]) ?? 'nothing'})`);
  if (isObject(sent.HostConfig)) {
    const nested = isObject(back.HostConfig) ? back.HostConfig[UNKNOWN_NESTED] : undefined;
    if (nested !== 42) lost.push(`HostConfig.${UNKNOWN_NESTED} (sent 42, got ${JSON.stringify(nested) ?? 'nothing'})`);
  }
  return lost;
}

async function judgeUnknownFields(session: Session, hook: HookName): Promise<CheckResult> {
  const spec = hookSpec(hook);
  const [realistic] = HOOK_PROBES[hook].calls(session.scratchDir);
  const document = withUnknownFields(realistic!.inputDocument as Record<string, unknown>);
  const probe = withDocument(hook, session.scratchDir, document);
  const outcome = await call(session, spec.rpc, hook, probe.request);
  if (!outcome.ok) return judgeCallError(session, hook, outcome.error);
  let returned: unknown;
  try {
    returned = decodeReplyDocument(spec, session.options.target.name, outcome.reply, document);
  } catch (error) {
    if (isHookdError(error, 'ERR_HOOK_BAD_REPLY')) return { status: 'fail', summary: error.message, doc: DOC.jsonDocuments };
    throw error;
  }
  if (returned === undefined) return { status: 'pass', summary: 'left the document unchanged (unset reply)' };
  const lost = lostUnknownFields(document, returned);
  if (lost.length > 0) {
    return {
      status: 'fail',
      summary: `the reply lost ${lost.length} field(s) it did not know; the daemon reads a vanished key as your claim to remove it`,
      details: lost,
      fix: 'decode the document into a map (or a struct that keeps unknown fields), change what you own, and return everything else as it came',
      doc: DOC.jsonDocuments,
    };
  }
  return { status: 'pass', summary: `returned the fields it does not know untouched, in ${outcome.ms} ms` };
}

const unknownFields: Check = {
  id: 'unknown-fields',
  title: 'merge hooks return fields they do not know untouched',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const hooks = session.facts.subscribed.filter((hook) => hookSpec(hook).document && isObject(HOOK_PROBES[hook].calls(session.scratchDir)[0]?.inputDocument));
    if (hooks.length === 0) return [{ id: 'unknown-fields', title: 'unknown fields', status: 'skip', summary: 'no subscribed merge hook' }];
    const results: ReportedResult[] = [];
    for (const hook of hooks) results.push({ id: `unknown-fields ${hook}`, title: `${hook} keeps unknown fields`, ...await judgeUnknownFields(session, hook) });
    return results;
  },
};

const sigterm: Check = {
  id: 'sigterm',
  title: 'exits on SIGTERM (a third launch)',
  modes: ['launch'],
  requiresDescribe: true,
  async run(session) {
    const launched = await launchAndDescribe(session, (process) => session.strays.push(process));
    const { process } = launched;
    if (launched.error) {
      await process.kill();
      return { status: 'fail', summary: `the third launch did not start: ${(launched.error as Error).message}`, doc: DOC.lifecycle };
    }
    // stdin stays open: this is the host stopping a plugin that did not exit after Shutdown.
    const sentAt = Date.now();
    process.signalGroup('SIGTERM');
    const exit = await process.waitForExit(session.options.exitGraceMs);
    if (!exit) {
      await process.kill();
      return {
        status: 'fail',
        summary: `still running ${session.options.exitGraceMs} ms after SIGTERM: the host would have to SIGKILL it, losing calls in flight`,
        fix: 'on SIGTERM (and SIGINT), stop accepting calls, finish those in flight and exit 0 within a few seconds; do not ignore the signal',
        doc: DOC.processRules,
      };
    }
    const ms = Date.now() - sentAt;
    if (exit.code !== 0) return { status: 'warn', summary: `exited ${describeExit(exit)} ${ms} ms after SIGTERM`, fix: 'handle SIGTERM and exit with status 0', doc: DOC.processRules };
    return { status: 'pass', summary: `exited with code 0, ${ms} ms after SIGTERM` };
  },
};

export const ROBUSTNESS_CHECKS = { minimalInputs, unknownFields, sigterm } as const;
