// Original file: proto/hookd/v1/plugin.proto

export const Combine = {
  COMBINE_UNSPECIFIED: 'COMBINE_UNSPECIFIED',
  COMBINE_MERGE: 'COMBINE_MERGE',
  COMBINE_NOTIFY: 'COMBINE_NOTIFY',
  COMBINE_ORDERED_LIST: 'COMBINE_ORDERED_LIST',
  COMBINE_ROUTES: 'COMBINE_ROUTES',
  COMBINE_UNION: 'COMBINE_UNION',
} as const;

export type Combine =
  | 'COMBINE_UNSPECIFIED'
  | 0
  | 'COMBINE_MERGE'
  | 1
  | 'COMBINE_NOTIFY'
  | 2
  | 'COMBINE_ORDERED_LIST'
  | 3
  | 'COMBINE_ROUTES'
  | 4
  | 'COMBINE_UNION'
  | 5

export type Combine__Output = typeof Combine[keyof typeof Combine]
