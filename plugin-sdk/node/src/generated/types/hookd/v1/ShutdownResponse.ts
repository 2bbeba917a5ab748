// Original file: proto/hookd/v1/plugin.proto


export interface ShutdownResponse {
}

export interface ShutdownResponse__Output {
}
