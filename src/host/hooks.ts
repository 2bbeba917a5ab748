// The hook table: every hook point of docs/hooks-and-merge.md §1 as data. The data is not written
// here: it is the `hook_contract` option of each hook RPC in proto/hookd/v1/plugin.proto, generated
// into generated/hook-contracts.ts (`npm run generate`). This file only names the host's combine
// modes. Dispatch has one generic invoke path that reads this table; nothing else in the host knows
// a hook by name.
import { HOOK_CONTRACTS, type HookCombine, type HookContract, type HookName } from './generated/hook-contracts.ts';

export type { HookName } from './generated/hook-contracts.ts';

export type FailurePolicy = 'fail' | 'ignore';

/**
 * How the replies of several plugins become one result (hookd.v1.Combine in the proto).
 * - merge: each reply is a whole JSON document; diffs are merged with ownership (merge.ts).
 * - oci-hooks: every plugin's OCI hooks are gathered into one list sorted by priority.
 * - notify: replies carry nothing; every subscribed plugin is told.
 * - routes: UpdateHandler route claims, checked for clashes.
 * - snapshotters: the union of the returned snapshotter names.
 */
export type CombineMode = 'merge' | 'oci-hooks' | 'notify' | 'routes' | 'snapshotters';

const COMBINE_MODES: Record<HookCombine, CombineMode> = {
  COMBINE_MERGE: 'merge',
  COMBINE_ORDERED_LIST: 'oci-hooks',
  COMBINE_NOTIFY: 'notify',
  COMBINE_ROUTES: 'routes',
  COMBINE_UNION: 'snapshotters',
};

export interface HookSpec extends Omit<HookContract, 'combine'> {
  readonly combine: CombineMode;
}

export const HOOKS: readonly HookSpec[] = HOOK_CONTRACTS.map((contract) => ({ ...contract, combine: COMBINE_MODES[contract.combine] }));

const BY_NAME = new Map(HOOKS.map((spec) => [spec.name, spec]));
const BY_ENUM = new Map(HOOKS.map((spec) => [spec.protoEnum, spec]));

export function hookSpec(name: HookName): HookSpec {
  const spec = BY_NAME.get(name);
  if (!spec) throw new TypeError(`unknown hook "${name}"`);
  return spec;
}

/** The hook a proto enum value subscribes to, or undefined for values this host does not know. */
export function hookByProtoEnum(value: string): HookSpec | undefined {
  return BY_ENUM.get(value);
}

export function isHookName(value: unknown): value is HookName {
  return typeof value === 'string' && BY_NAME.has(value as HookName);
}

/** The protocol versions this host speaks, newest first. */
export const HOST_PROTOCOL_VERSIONS: readonly string[] = ['1'];
