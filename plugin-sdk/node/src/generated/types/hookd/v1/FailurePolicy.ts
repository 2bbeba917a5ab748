// Original file: proto/hookd/v1/plugin.proto

export const FailurePolicy = {
  FAILURE_POLICY_UNSPECIFIED: 'FAILURE_POLICY_UNSPECIFIED',
  FAILURE_POLICY_FAIL: 'FAILURE_POLICY_FAIL',
  FAILURE_POLICY_IGNORE: 'FAILURE_POLICY_IGNORE',
} as const;

export type FailurePolicy =
  | 'FAILURE_POLICY_UNSPECIFIED'
  | 0
  | 'FAILURE_POLICY_FAIL'
  | 1
  | 'FAILURE_POLICY_IGNORE'
  | 2

export type FailurePolicy__Output = typeof FailurePolicy[keyof typeof FailurePolicy]
