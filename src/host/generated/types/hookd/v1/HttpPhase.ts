// Original file: proto/hookd/v1/plugin.proto

export const HttpPhase = {
  HTTP_PHASE_UNSPECIFIED: 'HTTP_PHASE_UNSPECIFIED',
  HTTP_PHASE_SERVE: 'HTTP_PHASE_SERVE',
  HTTP_PHASE_BEFORE: 'HTTP_PHASE_BEFORE',
  HTTP_PHASE_AFTER: 'HTTP_PHASE_AFTER',
} as const;

export type HttpPhase =
  | 'HTTP_PHASE_UNSPECIFIED'
  | 0
  | 'HTTP_PHASE_SERVE'
  | 1
  | 'HTTP_PHASE_BEFORE'
  | 2
  | 'HTTP_PHASE_AFTER'
  | 3

export type HttpPhase__Output = typeof HttpPhase[keyof typeof HttpPhase]
