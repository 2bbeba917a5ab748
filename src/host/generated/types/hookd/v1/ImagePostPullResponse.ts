// Original file: proto/hookd/v1/plugin.proto


export interface ImagePostPullResponse {
  'snapshotters'?: (string)[];
}

export interface ImagePostPullResponse__Output {
  'snapshotters': (string)[];
}
