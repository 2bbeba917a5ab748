// Original file: proto/hookd/v1/plugin.proto


export interface DaemonPreStopRequest {
  'reason'?: (string);
}

export interface DaemonPreStopRequest__Output {
  'reason': (string);
}
