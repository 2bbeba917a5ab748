// Original file: proto/hookd/v1/plugin.proto


export interface ConfigureRequest {
  'config_json'?: (Buffer | Uint8Array | string);
  'plugin_name'?: (string);
  'protocol_version'?: (string);
  'host_name'?: (string);
  'host_version'?: (string);
}

export interface ConfigureRequest__Output {
  'config_json': (Buffer);
  'plugin_name': (string);
  'protocol_version': (string);
  'host_name': (string);
  'host_version': (string);
}
