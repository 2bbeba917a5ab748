// Original file: proto/hookd/v1/plugin.proto


export interface DaemonPreStartRequest {
  'daemon_version'?: (string);
  'data_root'?: (string);
}

export interface DaemonPreStartRequest__Output {
  'daemon_version': (string);
  'data_root': (string);
}
