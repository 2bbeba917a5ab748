// Exec, Attach and PortForward as the kubelet expects: each checks its request (the kubelet
// streaming server's rules, then the container or pod exists and runs) and answers with a URL on
// hookd's streaming server (streaming-server.ts) holding a single-use token; the session itself
// happens when the client connects there. Errors name the field or the object (status.ts maps them).

import type { CriHandlerModule } from '../handlers.ts';
import { invalidField } from '../status.ts';
import { conflict, notFound } from '../../errors.ts';
import type { CriDeps } from '../deps.ts';
import { sandboxInfo } from '../sandbox/sandbox-info.ts';
import { resolveContainer } from './container-backend.ts';

interface StdioFlags {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export const streamingHandlers: CriHandlerModule = (deps) => ({
  async Exec(request) {
    const flags = checkStdio(request);
    if (!request.container_id) throw invalidField('container_id', 'is required');
    if (request.cmd.length === 0 || request.cmd[0] === '') throw invalidField('cmd', 'is required: the command and its arguments');
    const containerId = runningContainerId(deps, request.container_id);
    return { url: streaming(deps).urlFor({ kind: 'exec', containerId, cmd: [...request.cmd], ...flags }) };
  },

  async Attach(request) {
    const flags = checkStdio(request);
    if (!request.container_id) throw invalidField('container_id', 'is required');
    const containerId = runningContainerId(deps, request.container_id);
    return { url: streaming(deps).urlFor({ kind: 'attach', containerId, ...flags }) };
  },

  async PortForward(request) {
    if (!request.pod_sandbox_id) throw invalidField('pod_sandbox_id', 'is required');
    for (const [i, port] of request.port.entries()) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalidField(`port[${i}]`, `is ${port}: want 1-65535`);
    }
    // NOT_FOUND / FAILED_PRECONDITION now, not at connect time; a unique id prefix works (crictl passes what it is given).
    const sandbox = sandboxInfo(deps, request.pod_sandbox_id);
    if (sandbox.state !== 'SANDBOX_READY') throw conflict(`pod sandbox ${sandbox.id} is not ready: port forwarding needs its network namespace`);
    return { url: streaming(deps).urlFor({ kind: 'portforward', podSandboxId: sandbox.id, ports: [...request.port] }) };
  },
});

/** The kubelet's rules: some stream must be asked for, and a tty has no separate stderr. */
function checkStdio(request: Partial<StdioFlags>): StdioFlags {
  const flags = { tty: request.tty === true, stdin: request.stdin === true, stdout: request.stdout === true, stderr: request.stderr === true };
  if (!flags.stdin && !flags.stdout && !flags.stderr) throw invalidField('stdin/stdout/stderr', 'are all false: ask for at least one stream');
  if (flags.tty && flags.stderr) throw invalidField('stderr', 'cannot be set with tty: a terminal merges stderr into stdout');
  return flags;
}

/** The full id of a running container (a unique id prefix works, as in containerd). */
function runningContainerId(deps: CriDeps, reference: string): string {
  const record = resolveContainer(deps.containers, reference);
  if (!record) throw notFound(`container ${reference} not found`);
  if (!record.State.Running) throw conflict(`container ${record.Id} is not running (${record.State.Status})`);
  return record.Id;
}

function streaming(deps: CriDeps): NonNullable<CriDeps['streaming']> {
  if (!deps.streaming) throw conflict('the CRI streaming server is not configured in this daemon');
  return deps.streaming;
}
