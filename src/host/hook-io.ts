// The embedder API's two conversions, driven by the tables generated from the proto:
//   toWireInput   HookInputs[hook] (camel case, JSON values) → dispatch's request fields
//   toOutcome     dispatch's combined result → the hook's HookOutcome (one shape per combine mode)
// No hook is named here: HOOK_INPUT_FIELDS says which input key is which request field and how
// it travels.

import { HookdError } from './errors.ts';
import { HOOK_INPUT_FIELDS, type HookInputs } from './generated/hook-contracts.ts';
import type { HookName, HookSpec } from './hooks.ts';
import type { HookInput, HookOutcome, InvokeOutcome, InvokeResult } from './types.ts';

type InputField = (typeof HOOK_INPUT_FIELDS)[HookName][number];

/** HOOK_INPUT_FIELDS by key, per hook; built once per hook rather than on every invoke. */
const fieldsByHook = new Map<HookName, ReadonlyMap<string, InputField>>();

function inputFields(hook: HookName): ReadonlyMap<string, InputField> {
  let fields = fieldsByHook.get(hook);
  if (fields === undefined) {
    fields = new Map(HOOK_INPUT_FIELDS[hook].map((entry) => [entry.key, entry]));
    fieldsByHook.set(hook, fields);
  }
  return fields;
}

/**
 * Dispatch's input for `input`. Throws ERR_HOOK_BAD_INPUT, naming the key, for a key the hook does
 * not take or a JSON field given as bytes (a caller bug the types did not catch).
 */
export function toWireInput<H extends HookName>(spec: HookSpec, input: HookInputs[H]): HookInput {
  const fieldsByKey = inputFields(spec.name);
  const wire: HookInput = {};
  const fields: Record<string, unknown> = {};
  // Object.keys and an index, not Object.entries: no [key, value] array per key on every invoke.
  const record = input as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = record[key];
    const entry = fieldsByKey.get(key);
    if (!entry) {
      throw new HookdError('ERR_HOOK_BAD_INPUT', { hook: spec.name, reason: `it takes no "${key}" (it takes ${[...fieldsByKey.keys()].join(', ') || 'nothing'})` });
    }
    if (value === undefined) continue;
    switch (entry.kind) {
      case 'document':
        wire.document = value;
        break;
      case 'raw-document':
        wire.rawDocument = value as Buffer;
        break;
      case 'json':
        if (Buffer.isBuffer(value)) throw new HookdError('ERR_HOOK_BAD_INPUT', { hook: spec.name, reason: `"${key}" is a JSON value; pass the value, not its bytes` });
        fields[entry.field] = Buffer.from(JSON.stringify(value));
        break;
      case 'plain':
      case 'enum':
        fields[entry.field] = value;
        break;
    }
  }
  if (Object.keys(fields).length > 0) wire.fields = fields;
  return wire;
}

/**
 * The hook's outcome: only the fields of its combine mode, none optional. Each shape is one object
 * literal: spreading a shared base into it was a visible share of a small hook's own time
 * (docs/performance.md §5.4).
 */
export function toOutcome<H extends HookName>(spec: HookSpec, result: InvokeResult): HookOutcome<H> {
  const { requestId, called, skipped, changed } = result;
  const hook = result.hook as H;
  let outcome: InvokeOutcome<H>;
  switch (spec.combine) {
    case 'merge':
      outcome = { hook, requestId, called, skipped, document: result.document, changed, provenance: result.provenance } as InvokeOutcome<H>;
      break;
    case 'oci-hooks':
      outcome = { hook, requestId, called, skipped, ociHooks: result.ociHooks ?? [], changed } as InvokeOutcome<H>;
      break;
    case 'routes':
      outcome = { hook, requestId, called, skipped, routes: result.routes ?? { add: [], remove: [], wrap: [] }, changed } as InvokeOutcome<H>;
      break;
    case 'snapshotters':
      outcome = { hook, requestId, called, skipped, snapshotters: result.snapshotters ?? [], changed } as InvokeOutcome<H>;
      break;
    case 'notify':
      outcome = { hook, requestId, called, skipped };
      break;
  }
  return outcome as HookOutcome<H>;
}
