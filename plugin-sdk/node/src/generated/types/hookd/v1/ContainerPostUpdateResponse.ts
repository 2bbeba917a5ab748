// Original file: proto/hookd/v1/plugin.proto


export interface ContainerPostUpdateResponse {
}

export interface ContainerPostUpdateResponse__Output {
}
