// Decoding and validating the body of POST /containers/create (and checking what PreCreate
// returned). Each failure names the field, like `HostConfig.Memory must be a number, got "1g"`.

import { badRequest } from '../errors.ts';
import type { CreateConfig } from './container-record.ts';
import { validateLinuxOptions } from './linux-options.ts';
import { validateHealthcheck } from './health-config.ts';
import { parseSignal } from './signals.ts';

type Check = (value: unknown) => string | undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const describe = (value: unknown): string => (Array.isArray(value) ? 'an array' : JSON.stringify(value) ?? String(value));

const string: Check = (v) => (typeof v === 'string' ? undefined : `must be a string, got ${describe(v)}`);
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : `must be a boolean, got ${describe(v)}`);
const number: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `must be a number, got ${describe(v)}`);
const nonNegative: Check = (v) => number(v) ?? ((v as number) < 0 ? `must not be negative, got ${v}` : undefined);
const object: Check = (v) => (isObject(v) ? undefined : `must be an object, got ${describe(v)}`);
const stringArray: Check = (v) =>
  (Array.isArray(v) && v.every((item) => typeof item === 'string') ? undefined : `must be an array of strings, got ${describe(v)}`);
const stringMap: Check = (v) =>
  (isObject(v) && Object.values(v).every((item) => typeof item === 'string') ? undefined : `must be an object of strings, got ${describe(v)}`);

const TOP_LEVEL: Record<string, Check> = {
  Hostname: string, Domainname: string, User: string, Image: string, WorkingDir: string,
  Env: stringArray, Cmd: stringArray, Entrypoint: stringArray, Labels: stringMap, Volumes: object,
  ExposedPorts: object, Tty: boolean, OpenStdin: boolean, StdinOnce: boolean, AttachStdin: boolean,
  AttachStdout: boolean, AttachStderr: boolean, StopSignal: string, StopTimeout: number,
  SpecAnnotation: stringMap, HostConfig: object, NetworkingConfig: object,
};

const HOST_CONFIG: Record<string, Check> = {
  Binds: stringArray, NetworkMode: string, AutoRemove: boolean, ReadonlyRootfs: boolean,
  RestartPolicy: object, Mounts: (v) => (Array.isArray(v) && v.every(isObject) ? undefined : `must be an array of objects, got ${describe(v)}`),
  Memory: nonNegative, MemorySwap: number, CpuShares: nonNegative, NanoCpus: nonNegative,
  CpuQuota: number, CpuPeriod: nonNegative, PidsLimit: number, CpusetCpus: string, CpusetMems: string,
};

const RESTART_POLICIES = ['', 'no', 'always', 'unless-stopped', 'on-failure'];

/** Throws a 400 naming the first bad field; `where` prefixes the message ("create config"). */
export function validateCreateConfig(value: unknown, where = 'invalid create config'): asserts value is CreateConfig {
  if (!isObject(value)) throw badRequest(`${where}: expected a JSON object, got ${describe(value)}`);
  const fail = (path: string, reason: string): never => { throw badRequest(`${where}: ${path} ${reason}`); };
  for (const [field, check] of Object.entries(TOP_LEVEL)) {
    if (value[field] === undefined || value[field] === null) continue;
    const reason = check(value[field]);
    if (reason) fail(field, reason);
  }
  const hostConfig = value.HostConfig as Record<string, unknown> | undefined | null;
  if (isObject(hostConfig)) {
    for (const [field, check] of Object.entries(HOST_CONFIG)) {
      if (hostConfig[field] === undefined || hostConfig[field] === null) continue;
      const reason = check(hostConfig[field]);
      if (reason) fail(`HostConfig.${field}`, reason);
    }
    const policy = hostConfig.RestartPolicy as Record<string, unknown> | undefined;
    if (isObject(policy)) {
      if (policy.Name !== undefined && !RESTART_POLICIES.includes(policy.Name as string)) {
        fail('HostConfig.RestartPolicy.Name', `must be one of "no", "always", "unless-stopped", "on-failure", got ${describe(policy.Name)}`);
      }
      if (policy.MaximumRetryCount !== undefined) {
        const reason = nonNegative(policy.MaximumRetryCount);
        if (reason) fail('HostConfig.RestartPolicy.MaximumRetryCount', reason);
      }
      if (policy.Name !== 'on-failure' && typeof policy.MaximumRetryCount === 'number' && policy.MaximumRetryCount > 0) {
        fail('HostConfig.RestartPolicy.MaximumRetryCount', `can only be set with the "on-failure" policy, not ${describe(policy.Name ?? '')}`);
      }
    }
    validateLinuxOptions(hostConfig, where);
    (hostConfig.Binds as string[] | undefined ?? []).forEach((bind, i) => {
      const [source = '', target = ''] = bind.split(':');
      if (!source || !target.startsWith('/')) fail(`HostConfig.Binds[${i}]`, `must be "source:/container/path[:ro]", got ${describe(bind)}`);
    });
  }
  if (typeof value.StopSignal === 'string' && value.StopSignal !== '') {
    try {
      parseSignal(value.StopSignal);
    } catch {
      fail('StopSignal', `is not a signal: ${describe(value.StopSignal)}`);
    }
  }
  validateHealthcheck(value.Healthcheck, where);
  (value.Env as string[] | undefined ?? []).forEach((entry, i) => {
    if (entry.startsWith('=') || entry === '') fail(`Env[${i}]`, `must be "NAME=value", got ${describe(entry)}`);
  });
}

/**
 * Decodes the request body into a create config: Docker clients send Cmd/Entrypoint either as an
 * array or as one string, and null for absent objects; both are normalized before validation.
 */
export function decodeCreateConfig(body: Record<string, unknown>): CreateConfig {
  const config: Record<string, unknown> = { ...body };
  for (const field of ['Cmd', 'Entrypoint']) {
    if (typeof config[field] === 'string') config[field] = [config[field]];
  }
  for (const [field, value] of Object.entries(config)) if (value === null) delete config[field];
  validateCreateConfig(config);
  return config;
}
