// Original file: proto/hookd/v1/plugin.proto

export const EndpointPhase = {
  ENDPOINT_PHASE_UNSPECIFIED: 'ENDPOINT_PHASE_UNSPECIFIED',
  ENDPOINT_PHASE_CREATE: 'ENDPOINT_PHASE_CREATE',
  ENDPOINT_PHASE_REMOVE: 'ENDPOINT_PHASE_REMOVE',
} as const;

export type EndpointPhase =
  | 'ENDPOINT_PHASE_UNSPECIFIED'
  | 0
  | 'ENDPOINT_PHASE_CREATE'
  | 1
  | 'ENDPOINT_PHASE_REMOVE'
  | 2

export type EndpointPhase__Output = typeof EndpointPhase[keyof typeof EndpointPhase]
