// Original file: proto/hookd/v1/plugin.proto


export interface DescribeRequest {
  'host_protocol_versions'?: (string)[];
  'host_name'?: (string);
  'host_version'?: (string);
}

export interface DescribeRequest__Output {
  'host_protocol_versions': (string)[];
  'host_name': (string);
  'host_version': (string);
}
