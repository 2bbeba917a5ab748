// A volume as GET /volumes/{name} shows it, plus the provenance of volume.preCreate.

import type { ProvenanceEntry } from '../../host/index.ts';

export interface VolumeRecord {
  Name: string;
  Driver: string;
  /** Host path of the volume's data ("<dataRoot>/volumes/<name>/_data"). */
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: 'local';
  /** Which plugin changed which field of the create config. */
  HookdProvenance: ProvenanceEntry[];
}

/** The body of POST /volumes/create, as volume.preCreate sees it. */
export interface VolumeCreateConfig {
  Name: string;
  Driver: string;
  DriverOpts: Record<string, string>;
  Labels: Record<string, string>;
}
