// In-memory PluginHandle for dispatch tests: no processes, no gRPC. Each fake answers calls with a
// scripted behaviour and records every call with its request, options and start/end times.

import { HookdError } from '../../../src/host/errors.ts';
import type { FailurePolicy, HookName } from '../../../src/host/hooks.ts';
import type {
  CallOptions, HookSubscription, PluginHandle, PluginManifest, PluginState, PluginStatus,
} from '../../../src/host/types.ts';

export interface RecordedCall {
  readonly plugin: string;
  readonly rpc: string;
  readonly request: Record<string, unknown>;
  readonly options: CallOptions;
  readonly startedAt: number;
  endedAt?: number;
}

/** What a fake does when called: return a reply, throw, or wait for the deadline / signal. */
export type Behaviour = (request: Record<string, unknown>, options: CallOptions) => unknown;

export interface FakeOptions {
  order?: number;
  state?: PluginState;
  required?: boolean;
  enabled?: boolean;
  timeoutMs?: number;
  failurePolicy?: FailurePolicy;
  allowedPaths?: string[];
  hooks?: PluginManifest['hooks'];
  /** Describe's subscription; a hook name alone subscribes without preferences. */
  subscribe?: Array<HookName | HookSubscription>;
  reply?: Behaviour;
  /** Milliseconds to wait before answering (honouring the signal). */
  delayMs?: number;
}

export function manifestFor(name: string, options: FakeOptions = {}): PluginManifest {
  return {
    name,
    file: '<inline>',
    launch: { command: 'true', args: [], env: {}, cwd: '/' },
    order: options.order ?? 0,
    timeoutMs: options.timeoutMs ?? 2000,
    startTimeoutMs: 10000,
    ...(options.failurePolicy ? { failurePolicy: options.failurePolicy } : {}),
    required: options.required ?? false,
    ...(options.allowedPaths ? { allowedPaths: options.allowedPaths } : {}),
    config: null,
    restart: { maxFailures: 5, initialBackoffMs: 200, maxBackoffMs: 30000, resetAfterMs: 60000 },
    health: { intervalMs: 5000, timeoutMs: 1000, failureThreshold: 3 },
    maxInFlight: 32,
    hooks: options.hooks ?? {},
    enabled: options.enabled ?? true,
  };
}

function sleep(ms: number, signal: AbortSignal | undefined, plugin: string, hook: HookName): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new HookdError('ERR_HOOK_ABORTED', { plugin, hook, reason: 'aborted' }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Never answers; rejects only when the signal aborts (a plugin that hangs). */
export const hang: Behaviour = () => new Promise(() => {});

export class FakeHandle implements PluginHandle {
  readonly name: string;
  readonly manifest: PluginManifest;
  state: PluginState;
  readonly calls: RecordedCall[];
  private readonly subs: Map<HookName, HookSubscription>;
  private readonly behaviour: Behaviour;
  private readonly delayMs: number;

  constructor(name: string, options: FakeOptions = {}, log: RecordedCall[] = []) {
    this.name = name;
    this.manifest = manifestFor(name, options);
    this.state = options.state ?? 'ready';
    this.calls = log;
    this.subs = new Map((options.subscribe ?? []).map((entry) => {
      const sub = typeof entry === 'string' ? { hook: entry } : entry;
      return [sub.hook, sub];
    }));
    this.behaviour = options.reply ?? (() => ({}));
    this.delayMs = options.delayMs ?? 0;
  }

  subscriptions(): ReadonlyMap<HookName, HookSubscription> {
    return this.subs;
  }

  async call(rpc: string, request: object, options: CallOptions): Promise<unknown> {
    const record: RecordedCall = { plugin: this.name, rpc, request: request as Record<string, unknown>, options, startedAt: performance.now() };
    this.calls.push(record);
    try {
      if (this.delayMs > 0) await sleep(this.delayMs, options.signal, this.name, options.hook);
      return await this.behaviour(record.request, options);
    } finally {
      record.endedAt = performance.now();
    }
  }

  status(): PluginStatus {
    return { name: this.name, kind: 'launched', state: this.state, hooks: [...this.subs.keys()], restarts: 0, consecutiveFailures: 0, since: new Date(0).toISOString() };
  }
}

/** A reply for merge hooks: the document under `field` as JSON bytes. */
export function documentReply(field: string, document: unknown): Record<string, unknown> {
  return { [field]: { json: Buffer.from(JSON.stringify(document)) } };
}

/** The document a fake received in `field`, parsed. */
export function receivedDocument(call: RecordedCall, field: string): unknown {
  return JSON.parse((call.request[field] as Buffer).toString('utf8'));
}
