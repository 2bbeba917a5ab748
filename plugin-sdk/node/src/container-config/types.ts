// Loose TypeScript shapes of the JSON documents hooks exchange, with the Docker Engine / Pouch API
// field names. Every type has an index signature on purpose: a plugin must return the whole
// document with the fields it does not know untouched, so nothing here may narrow a document to
// the fields listed. The listed fields are the ones plugins commonly read or write.

export type JsonObject = { [key: string]: unknown };

export type StringMap = Record<string, string>;

export interface HostConfig extends JsonObject {
  Binds?: string[] | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Privileged?: boolean;
  NetworkMode?: string;
  Memory?: number;
  MemorySwap?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  ShmSize?: number;
  VolumesFrom?: string[] | null;
  Runtime?: string;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number } & JsonObject;
}

/** POST /containers/create body: the container config at the top level plus HostConfig and NetworkingConfig. */
export interface ContainerCreateConfig extends JsonObject {
  Image?: string;
  Hostname?: string;
  Domainname?: string;
  User?: string;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Labels?: StringMap | null;
  /** Pouch: path regexp → size ("/mnt" → "10g", ".*" → "100g"). */
  DiskQuota?: StringMap | null;
  QuotaID?: string;
  /** Pouch: annotations copied into the OCI spec. */
  SpecAnnotation?: StringMap | null;
  Snapshotter?: string;
  HostConfig?: HostConfig | null;
  NetworkingConfig?: JsonObject | null;
}

/** POST /containers/{id}/update body (UpdateConfig). */
export interface ContainerUpdateConfig extends JsonObject {
  Env?: string[] | null;
  /** "k=v" entries; an empty value deletes the label. */
  Label?: string[] | null;
  SpecAnnotation?: StringMap | null;
  DiskQuota?: StringMap | null;
  Memory?: number;
}

/** The container as GET /containers/{id}/json shows it, plus "BaseFS" (host path of its rootfs). */
export interface ContainerJson extends JsonObject {
  Id?: string;
  Name?: string;
  Config?: ({ Env?: string[] | null; Labels?: StringMap | null } & JsonObject) | null;
  HostConfig?: HostConfig | null;
  BaseFS?: string;
}

/** POST /volumes/create body. */
export interface VolumeCreateConfig extends JsonObject {
  Name?: string;
  Driver?: string;
  DriverOpts?: StringMap | null;
  Labels?: StringMap | null;
}

/** A network endpoint being built for a container (EndpointConfig is read-only). */
export interface EndpointConfig extends JsonObject {
  Name?: string;
  ID?: string;
  Priority?: number;
  DisableResolver?: boolean;
  GenericParams?: StringMap | null;
  EndpointConfig?: JsonObject | null;
}

/** CRI sandbox metadata: {"ID", "Config", "Runtime", "NetNS", "LxcfsEnabled"}. Read-only. */
export interface SandboxMeta extends JsonObject {
  ID?: string;
  Config?: JsonObject | null;
  Runtime?: string;
  NetNS?: string;
  LxcfsEnabled?: boolean;
}
