// Original file: proto/hookd/v1/plugin.proto


export interface Route {
  'method'?: (string);
  'path'?: (string);
}

export interface Route__Output {
  'method': (string);
  'path': (string);
}
