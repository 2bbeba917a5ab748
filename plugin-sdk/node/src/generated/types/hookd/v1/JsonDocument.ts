// Original file: proto/hookd/v1/plugin.proto


export interface JsonDocument {
  'json'?: (Buffer | Uint8Array | string);
}

export interface JsonDocument__Output {
  'json': (Buffer);
}
