// Env conventions that legacy images rely on:
// - HOSTNAME in the env, set from the config's Hostname (old init scripts read $HOSTNAME rather
//   than calling hostname(1)); an explicit HOSTNAME env wins.
// - label pouch.SupportCgroup=true → env pouchSupportCgroup=true, which in-container agents read
//   to decide whether they may manage cgroups themselves.
import { getEnv, getLabel, setEnv, type ContainerCreateConfig } from '@hookd/plugin-sdk';

export function applyHostnameEnv(config: ContainerCreateConfig): void {
  if (typeof config.Hostname === 'string' && config.Hostname !== '' && getEnv(config, 'HOSTNAME') === undefined) {
    setEnv(config, 'HOSTNAME', config.Hostname);
  }
}

export function applySupportCgroupLabel(config: ContainerCreateConfig): void {
  if (getLabel(config, 'pouch.SupportCgroup') === 'true') setEnv(config, 'pouchSupportCgroup', 'true');
}
