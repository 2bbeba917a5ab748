// The Describe answer, derived from the handlers a plugin implements: implementing a hook is the
// subscription, so the list can never disagree with the code.
import type { DescribeResponse } from './generated/types/hookd/v1/DescribeResponse.ts';
import type { HookSubscription } from './generated/types/hookd/v1/HookSubscription.ts';
import type { PluginSpec } from './define-plugin.ts';
import { HOOK_BINDINGS } from './hook-table.ts';
import { SDK_PROTOCOL_VERSIONS } from './protocol.ts';

const FAILURE_POLICIES = { fail: 'FAILURE_POLICY_FAIL', ignore: 'FAILURE_POLICY_IGNORE' } as const;

export function describePlugin(plugin: PluginSpec): DescribeResponse {
  const hooks: HookSubscription[] = [];
  for (const binding of HOOK_BINDINGS) {
    if (binding.protoEnum === undefined || typeof plugin.hooks[binding.key] !== 'function') continue;
    const preferences = plugin.hookOptions?.[binding.key];
    hooks.push({
      hook: binding.protoEnum as HookSubscription['hook'],
      options: {
        timeout_ms: preferences?.timeoutMs ?? 0,
        failure_policy: preferences?.failurePolicy ? FAILURE_POLICIES[preferences.failurePolicy] : 'FAILURE_POLICY_UNSPECIFIED',
      },
    });
  }
  return { name: plugin.name, version: plugin.version, protocol_versions: [...SDK_PROTOCOL_VERSIONS], hooks };
}
