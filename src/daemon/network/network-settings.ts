// The daemon's network settings (config file "network"; docs/networking.md). Defaults keep clear of
// Docker's docker0 (172.17.0.0/16) so both daemons can run on one machine.

export interface NetworkSettings {
  /** false: containers get an unconfigured namespace (the process runtime cannot isolate anyway). */
  enabled: boolean;
  /** Linux bridge of the default "bridge" network. */
  bridgeName: string;
  /** Subnet of the default "bridge" network. */
  subnet: string;
  /** Where `docker network create` without --subnet takes a free /24 from. */
  pool: string;
  /** Directories searched for CNI plugin binaries, in order. */
  cniPath: string[];
  /** Network namespace files live here (one per running container); default <dataRoot>/netns. */
  netnsDir: string;
  /** CNI result cache and host-local leases live here; default <dataRoot>/cni. */
  cniDir: string;
}

export const DEFAULT_BRIDGE_NAME = 'hookd0';
export const DEFAULT_SUBNET = '10.88.0.0/16';
export const DEFAULT_POOL = '10.89.0.0/16';
export const DEFAULT_CNI_PATH = ['/usr/lib/cni', '/opt/cni/bin'];
