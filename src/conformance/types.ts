// The vocabulary of the conformance kit: what a check is, what it reports, and the session every
// check reads from. Checks are data (checks.ts lists them in the order they run); the runner owns
// the plugin's lifetime and the reporter turns results into text.

import type { PluginClients } from '../host/grpc-client.ts';
import type { HookName } from '../host/hooks.ts';
import type { DescribeResponse__Output } from '../host/generated/types/hookd/v1/DescribeResponse.ts';
import type { TlsSpec } from '../host/types.ts';
import type { ObservedProcess } from './observed-process.ts';

/** ✔ pass, ✖ fail (a protocol violation), ⚠ warn (works, but should be fixed), - skip. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  /** One line: what was seen, with measured figures ("answered in 212 ms"). */
  summary: string;
  /** For fail and warn: what to change in the plugin. */
  fix?: string;
  /** A section of docs/protocol.md that states the rule, e.g. "§5 Process rules". */
  doc?: string;
  /** Further lines (one per offending hook, reply excerpt, ...). */
  details?: string[];
}

/** How the plugin under test is reached. */
export type Target =
  | { mode: 'launch'; command: string; args: string[]; env: Record<string, string>; cwd: string; name: string; isNameGiven: boolean }
  | { mode: 'attach'; address: string; tls?: TlsSpec; name: string; isNameGiven: boolean };

export interface ConformanceOptions {
  target: Target;
  /** The manifest's `config` (or --config); null when there is none. */
  config: unknown;
  /** Start timeout: how long the first Describe may take (the manifest's startTimeoutMs or --timeout-ms). */
  startTimeoutMs: number;
  /** Per-call timeout of hook calls (the manifest's timeoutMs, default 2000). */
  callTimeoutMs: number;
  /** How long a plugin may take to exit after Shutdown or stdin close. */
  exitGraceMs: number;
  /** Parallel calls in the concurrency check. */
  concurrency: number;
}

/** Everything a check may read or use. Built by the runner; checks fill `facts` for later checks. */
export interface Session {
  readonly options: ConformanceOptions;
  /** The launched process (launch mode), with its observed output; set by the start check. */
  process?: ObservedProcess;
  /** Set by the start check; every check that `requiresDescribe` may rely on it. */
  clients?: PluginClients;
  /** Where launched plugins get their sockets (0700, the kit's own). */
  readonly runtimeDir: string;
  /** A directory of the kit's own for paths in hook inputs (rootfs, BaseFS): plugins may write there. */
  readonly scratchDir: string;
  readonly facts: SessionFacts;
  /** Processes a check started besides the main one; the runner kills what is left of them. */
  readonly strays: ObservedProcess[];
}

export interface SessionFacts {
  describe?: DescribeResponse__Output;
  /** Hooks from Describe that this kit knows, in Describe's order. */
  subscribed: HookName[];
  /** Routes the plugin added or wrapped in ApiUpdateHandler, for the HandleHttp probe. */
  claimedRoutes?: Array<{ method: string; path: string; phase: 'SERVE' | 'BEFORE' | 'AFTER' }>;
  /** Whether Describe answered at all: most later checks are skipped without it. */
  isReachable: boolean;
}

export interface Check {
  /** Stable id, also used by tests: "describe", "hook container.preCreate", ... */
  id: string;
  /** The question the check answers, as printed in the report. */
  title: string;
  /** Whether the check applies in this mode; a check that does not apply is not listed. */
  modes: ReadonlyArray<Target['mode']>;
  /** Skipped unless Describe answered (the plugin is reachable and `session.clients` is set). */
  requiresDescribe: boolean;
  /** One result, or one per item the check covers (a hook each), each with its own id and title. */
  run(session: Session): Promise<CheckResult | ReportedResult[]>;
}

/** A result with the check it belongs to, as the reporter prints it. */
export interface ReportedResult extends CheckResult {
  id: string;
  title: string;
}
