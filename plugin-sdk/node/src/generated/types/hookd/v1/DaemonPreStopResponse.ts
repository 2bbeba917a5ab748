// Original file: proto/hookd/v1/plugin.proto


export interface DaemonPreStopResponse {
}

export interface DaemonPreStopResponse__Output {
}
