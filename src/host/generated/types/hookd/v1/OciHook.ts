// Original file: proto/hookd/v1/plugin.proto


export interface OciHook {
  'priority'?: (number);
  'path'?: (string);
  'args'?: (string)[];
  'env'?: (string)[];
  'timeout_seconds'?: (number);
}

export interface OciHook__Output {
  'priority': (number);
  'path': (string);
  'args': (string)[];
  'env': (string)[];
  'timeout_seconds': (number);
}
