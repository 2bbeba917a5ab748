// Checks of the mandatory RPCs: Describe's answer, the standard health service, and Configure
// with the manifest's config and with null (docs/protocol.md §1, §6, §9).

import { isHookdError } from '../host/errors.ts';
import { callUnary } from '../host/grpc-client.ts';
import { HOST_PROTOCOL_VERSIONS, hookByProtoEnum } from '../host/hooks.ts';
import { MAX_CALL_TIMEOUT_MS } from '../host/manifest.ts';
import type { DescribeResponse__Output } from '../host/generated/types/hookd/v1/DescribeResponse.ts';
import { DOC } from './docs-links.ts';
import type { Check, CheckResult, Session } from './types.ts';

const FAILURE_POLICIES = new Set(['FAILURE_POLICY_UNSPECIFIED', 'FAILURE_POLICY_FAIL', 'FAILURE_POLICY_IGNORE']);

function callOptions(session: Session, rpc: string): { deadline: number; plugin: string; hook: string } {
  return { deadline: Date.now() + session.options.callTimeoutMs, plugin: session.options.target.name, hook: rpc };
}

const describe: Check = {
  id: 'describe',
  title: 'Describe: identity, protocol versions, subscription',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const startedAt = Date.now();
    const described = await callUnary<DescribeResponse__Output>(session.clients!.plugin, 'Describe', {
      host_protocol_versions: [...HOST_PROTOCOL_VERSIONS], host_name: 'hookd-plugin-test', host_version: '1',
    }, callOptions(session, 'Describe'));
    const ms = Date.now() - startedAt;
    session.facts.describe = described;
    const failures: string[] = [];
    const warnings: string[] = [];
    if (!described.name) failures.push('name is empty (the host refuses it with ERR_PLUGIN_BAD_DESCRIBE)');
    const { target } = session.options;
    if (described.name && target.isNameGiven && described.name !== target.name) {
      warnings.push(`name "${described.name}" differs from the manifest's name "${target.name}" (the host uses the manifest's name and logs the difference)`);
    }
    if (!described.version) warnings.push('version is empty (it is shown in the daemon\'s plugin status)');
    if (!described.protocol_versions.some((version) => HOST_PROTOCOL_VERSIONS.includes(version))) {
      failures.push(`protocol_versions is [${described.protocol_versions.join(', ')}], which shares nothing with the host's [${HOST_PROTOCOL_VERSIONS.join(', ')}]: the host refuses the plugin with ERR_PLUGIN_PROTOCOL_MISMATCH`);
    }
    const seen = new Set<string>();
    for (const [i, entry] of described.hooks.entries()) {
      const value = String(entry.hook);
      if (value === 'HOOK_UNSPECIFIED') {
        failures.push(`hooks[${i}] is HOOK_UNSPECIFIED`);
        continue;
      }
      const spec = hookByProtoEnum(value);
      if (!spec) {
        warnings.push(`hooks[${i}] is ${value}, which this host does not know: it will never be called`);
        continue;
      }
      if (seen.has(spec.name)) failures.push(`hooks[${i}] lists ${value} a second time`);
      seen.add(spec.name);
      if (!session.facts.subscribed.includes(spec.name)) session.facts.subscribed.push(spec.name);
      const timeoutMs = entry.options?.timeout_ms ?? 0;
      if (timeoutMs > MAX_CALL_TIMEOUT_MS) warnings.push(`hooks[${i}] (${value}) suggests timeout_ms ${timeoutMs}, above the host's ${MAX_CALL_TIMEOUT_MS} ms cap`);
      const policy = entry.options?.failure_policy;
      if (policy !== undefined && policy !== null && !FAILURE_POLICIES.has(String(policy))) {
        failures.push(`hooks[${i}] (${value}) has failure_policy ${String(policy)}, which is not a FailurePolicy value`);
      }
    }
    const identity = `"${described.name}" ${described.version || '(no version)'}, protocol [${described.protocol_versions.join(', ')}], hooks: ${session.facts.subscribed.join(', ') || 'none'} (${ms} ms)`;
    if (failures.length > 0) {
      return { status: 'fail', summary: identity, details: [...failures, ...warnings], fix: 'fix the Describe answer as listed; the SDKs derive hooks from the handlers you implement', doc: failures.some((line) => line.includes('protocol')) ? DOC.versioning : DOC.describe };
    }
    if (warnings.length > 0) return { status: 'warn', summary: identity, details: warnings, doc: DOC.describe };
    return { status: 'pass', summary: identity };
  },
};

const health: Check = {
  id: 'health',
  title: 'grpc.health.v1 Check("") answers SERVING',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const startedAt = Date.now();
    try {
      const reply = await callUnary<{ status: string }>(session.clients!.health, 'Check', { service: '' }, callOptions(session, 'health check'));
      const ms = Date.now() - startedAt;
      if (reply.status !== 'SERVING') {
        return { status: 'fail', summary: `status ${reply.status} (${ms} ms)`, fix: 'answer SERVING for service "" while the plugin can take calls', doc: DOC.health };
      }
      return { status: 'pass', summary: `SERVING in ${ms} ms` };
    } catch (error) {
      const isUnimplemented = isHookdError(error) && error.details.grpcCode === 'UNIMPLEMENTED';
      return {
        status: 'fail',
        summary: (error as Error).message,
        fix: isUnimplemented ? 'serve the standard grpc.health.v1.Health service beside hookd.v1.Plugin on the same address' : 'answer grpc.health.v1.Health/Check quickly',
        doc: DOC.health,
      };
    }
  },
};

async function configure(session: Session, config: unknown): Promise<{ ms: number; error?: unknown }> {
  const startedAt = Date.now();
  try {
    await callUnary(session.clients!.plugin, 'Configure', {
      config_json: Buffer.from(JSON.stringify(config ?? null)),
      plugin_name: session.options.target.name,
      protocol_version: HOST_PROTOCOL_VERSIONS[0],
      host_name: 'hookd-plugin-test',
      host_version: '1',
    }, callOptions(session, 'Configure'));
    return { ms: Date.now() - startedAt };
  } catch (error) {
    return { ms: Date.now() - startedAt, error };
  }
}

/** The gRPC status name of a call the plugin answered with an error, if that is what happened. */
export function grpcCodeOf(error: unknown): string | undefined {
  return isHookdError(error) ? (error.details.grpcCode as string | undefined) : undefined;
}

const configureNull: Check = {
  id: 'configure-null',
  title: 'Configure(null) is accepted or refused with INVALID_ARGUMENT, never a crash',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const { ms, error } = await configure(session, null);
    if (session.process?.hasExited()) {
      return { status: 'fail', summary: 'the process exited on Configure with config null', fix: 'check the config in Configure and answer INVALID_ARGUMENT with a message instead of crashing', doc: DOC.describe };
    }
    if (!error) return { status: 'pass', summary: `accepted in ${ms} ms` };
    const code = grpcCodeOf(error);
    const reason = isHookdError(error) ? String(error.details.reason ?? '') : '';
    if (code === 'INVALID_ARGUMENT' && reason.trim().length > 0) {
      return { status: 'pass', summary: `refused with INVALID_ARGUMENT in ${ms} ms: ${JSON.stringify(reason.slice(0, 160))}` };
    }
    return {
      status: 'fail',
      summary: code === 'INVALID_ARGUMENT' ? 'refused with INVALID_ARGUMENT but no message' : (error as Error).message,
      fix: 'a manifest without "config" sends null: accept it (use defaults) or answer INVALID_ARGUMENT with a message that says what config is required',
      doc: DOC.describe,
    };
  },
};

const configureManifest: Check = {
  id: 'configure',
  title: 'Configure with the manifest\'s config is accepted',
  modes: ['launch', 'attach'],
  requiresDescribe: true,
  async run(session) {
    const { config } = session.options;
    const shown = JSON.stringify(config ?? null);
    const label = shown.length > 60 ? `${shown.slice(0, 60)}…` : shown;
    const { ms, error } = await configure(session, config);
    if (!error) return { status: 'pass', summary: `accepted ${label} in ${ms} ms` };
    const code = grpcCodeOf(error);
    const result: CheckResult = {
      status: 'fail',
      summary: `refused ${label}: ${(error as Error).message}`,
      fix: code === 'INVALID_ARGUMENT'
        ? 'the host parks a plugin that refuses its config (ERR_PLUGIN_CONFIGURE_FAILED): fix the config you passed (--manifest/--config) or the plugin\'s check'
        : 'answer Configure with an empty ConfigureResponse, or INVALID_ARGUMENT with a message',
      doc: DOC.describe,
    };
    return result;
  },
};

export const PROTOCOL_CHECKS = { describe, health, configureNull, configureManifest } as const;
