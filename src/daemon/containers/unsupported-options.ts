// Options the Engine API accepts that hookd cannot honour yet. Accepting them and doing nothing
// would let `docker run -p 8080:80` look like it worked; they are refused with a 400 that names
// the field, the docker flag and why. Each entry goes away when the feature lands (health checks
// have: health-monitor.ts). Ports are published through CNI's portmap where the daemon runs CNI
// networking (runc); elsewhere (the process runtime) -p and -P are still refused.

import { badRequest } from '../errors.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Throws a 400 for the first option in a create body that hookd would silently ignore. */
export function refuseUnsupportedOptions(body: Record<string, unknown>, options: { canPublishPorts: boolean }, where = 'create config'): void {
  const hostConfig = isObject(body.HostConfig) ? body.HostConfig : {};
  if (options.canPublishPorts) return;
  const bindings = isObject(hostConfig.PortBindings) ? hostConfig.PortBindings : {};
  const published = Object.entries(bindings).find(([, list]) => Array.isArray(list) && list.length > 0);
  if (published) {
    throw badRequest(`${where}: HostConfig.PortBindings (docker run -p ${published[0]}) is not supported: this daemon runs without CNI networking (process runtime), so it cannot publish ports; remove -p and reach the container another way`);
  }
  if (hostConfig.PublishAllPorts === true) {
    throw badRequest(`${where}: HostConfig.PublishAllPorts (docker run -P) is not supported: this daemon runs without CNI networking (process runtime), so it cannot publish ports`);
  }
}
