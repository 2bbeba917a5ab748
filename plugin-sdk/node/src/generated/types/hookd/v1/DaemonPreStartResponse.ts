// Original file: proto/hookd/v1/plugin.proto


export interface DaemonPreStartResponse {
}

export interface DaemonPreStartResponse__Output {
}
