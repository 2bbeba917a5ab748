// Original file: proto/hookd/v1/plugin.proto


export interface ShutdownRequest {
  'reason'?: (string);
}

export interface ShutdownRequest__Output {
  'reason': (string);
}
