// The SDK's hook table (src/hook-table.ts) must serve exactly the proto's hook RPCs, each with the
// Hook value of its hook_contract option, read back from the descriptor the SDK loads at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pluginDescriptor } from '../src/generated/plugin-descriptor.ts';
import { HOOK_BINDINGS } from '../src/hook-table.ts';

interface DescriptorMethod { parsedOptions?: Array<Record<string, Record<string, unknown>>> }
const v1 = (pluginDescriptor as { nested: { hookd: { nested: { v1: { nested: { Plugin: { methods: Record<string, DescriptorMethod> } } } } } } })
  .nested.hookd.nested.v1.nested;

test('every hook RPC of the proto has one handler, subscribed with its hook_contract Hook value', () => {
  const fromProto = Object.entries(v1.Plugin.methods).flatMap(([rpc, method]) => {
    const option = method.parsedOptions?.find((entry) => '(hook_contract)' in entry)?.['(hook_contract)'];
    return option ? [{ rpc, hook: option.hook }] : [];
  });
  const hookBindings = HOOK_BINDINGS.filter((binding) => binding.protoEnum !== undefined);
  assert.deepEqual(hookBindings.map(({ rpc, protoEnum }) => ({ rpc, hook: protoEnum })), fromProto);
  for (const binding of hookBindings) assert.equal(binding.key, binding.rpc[0]!.toLowerCase() + binding.rpc.slice(1));
});

test('HandleHttp is the one RPC served without a hook value, and it has no hook_contract', () => {
  const others = HOOK_BINDINGS.filter((binding) => binding.protoEnum === undefined);
  assert.deepEqual(others.map((binding) => binding.rpc), ['HandleHttp']);
  assert.equal(v1.Plugin.methods.HandleHttp?.parsedOptions, undefined);
});
