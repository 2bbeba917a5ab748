// The smallest inputs the daemon really sends: `docker run busybox true` (no -e, no -l, no -v) as
// the daemon passes it on, with the nulls dropped, so no Env, no Volumes, an empty Labels, and a
// HostConfig with only what the CLI always sets; the inspect of such a container; `docker update
// -m 256m` and `docker volume create`. Plugins written against the realistic inputs of inputs.ts
// alone tend to assume a field is there (docs/protocol.md §7: any field may be absent or null).

import { CONTAINER_ID, rootfsPath } from './inputs.ts';

/** POST /containers/create of `docker run busybox true`, as container.preCreate receives it. */
export function minimalCreateConfig(): Record<string, unknown> {
  return {
    AttachStdout: true,
    AttachStderr: true,
    Cmd: ['true'],
    Image: 'busybox',
    Labels: {},
    HostConfig: { NetworkMode: 'default', LogConfig: { Type: '', Config: {} }, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } },
    NetworkingConfig: { EndpointsConfig: {} },
  };
}

/** That container's inspect with BaseFS, as container.preStart receives it: no Env, no Labels, no mounts. */
export function minimalInspect(scratchDir: string): Record<string, unknown> {
  const { HostConfig: hostConfig, NetworkingConfig: _networking, Labels: _labels, ...config } = minimalCreateConfig();
  return {
    Id: CONTAINER_ID,
    Name: '/quirky_turing',
    Path: 'true',
    Args: [],
    State: { Status: 'created', Running: false, Pid: 0, ExitCode: 0 },
    Image: 'sha256:6fd955f66c231c1a946653170d096a28ac2b2052a02080c0b84ec082a07f7d12',
    Config: config,
    HostConfig: hostConfig,
    Mounts: [],
    BaseFS: rootfsPath(scratchDir),
  };
}

/** The body of `docker update -m 256m web-1` from an old client: only the field it sets. */
export function minimalUpdateBody(): Record<string, unknown> {
  return { Memory: 268435456 };
}

/** POST /volumes/create of a bare `docker volume create` from an API client: a name, nothing else. */
export function minimalVolumeCreateConfig(): Record<string, unknown> {
  return { Name: 'data' };
}
