// The host's hook table (src/host/hooks.ts) must say what the proto's hook_contract options say,
// read back from the descriptor the host loads at run time: a stale generated table, or a table
// that stops reading it, fails here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pluginDescriptor } from '../../../src/host/generated/plugin-descriptor.ts';
import { HOOKS, hookByProtoEnum, type CombineMode } from '../../../src/host/hooks.ts';

interface DescriptorMethod { requestType: string; parsedOptions?: Array<Record<string, Record<string, unknown>>> }
interface DescriptorType { fields?: Record<string, unknown>; values?: Record<string, number>; methods?: Record<string, DescriptorMethod> }

const v1 = (pluginDescriptor as { nested: { hookd: { nested: { v1: { nested: Record<string, DescriptorType> } } } } }).nested.hookd.nested.v1.nested;
const COMBINE: Record<string, CombineMode> = {
  COMBINE_MERGE: 'merge', COMBINE_ORDERED_LIST: 'oci-hooks', COMBINE_NOTIFY: 'notify', COMBINE_ROUTES: 'routes', COMBINE_UNION: 'snapshotters',
};

const contracts = Object.entries(v1.Plugin?.methods ?? {}).flatMap(([rpc, method]) => {
  const option = method.parsedOptions?.find((entry) => '(hook_contract)' in entry)?.['(hook_contract)'];
  return option ? [{ rpc, request: v1[method.requestType], option }] : [];
});

describe('the host hook table and the proto', () => {
  it('has one row per hook RPC of the proto, in its order, saying what its hook_contract says', () => {
    assert.deepEqual(HOOKS.map((spec) => spec.rpc), contracts.map((contract) => contract.rpc));
    for (const [index, { rpc, request, option }] of contracts.entries()) {
      const spec = HOOKS[index]!;
      assert.equal(spec.name, option.name, rpc);
      assert.equal(spec.protoEnum, option.hook, rpc);
      assert.equal(spec.combine, COMBINE[String(option.combine)], rpc);
      assert.equal(spec.defaultFailurePolicy, String(option.default_failure_policy).replace('FAILURE_POLICY_', '').toLowerCase(), rpc);
      assert.equal(spec.defaultTimeoutMs, option.default_timeout_ms ?? 0, rpc);
      assert.equal(spec.hasContext, request?.fields?.context !== undefined, rpc);
      const document = option.document_field
        ? { requestField: option.document_field, replyField: option.reply_field, raw: option.raw_document === true }
        : undefined;
      assert.deepEqual(spec.document, document, rpc);
    }
  });

  it('maps every Hook value of the proto but UNSPECIFIED to exactly one hook', () => {
    const values = Object.keys(v1.Hook?.values ?? {}).filter((value) => value !== 'HOOK_UNSPECIFIED');
    assert.ok(values.length > 0);
    for (const value of values) assert.equal(HOOKS.filter((spec) => spec.protoEnum === value).length, 1, value);
    assert.equal(hookByProtoEnum('HOOK_UNSPECIFIED'), undefined);
  });
});
