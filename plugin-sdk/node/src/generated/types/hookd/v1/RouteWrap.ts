// Original file: proto/hookd/v1/plugin.proto

import type { Route as _hookd_v1_Route, Route__Output as _hookd_v1_Route__Output } from '../../hookd/v1/Route.ts';

export interface RouteWrap {
  'route'?: (_hookd_v1_Route | null);
  'before'?: (boolean);
  'after'?: (boolean);
}

export interface RouteWrap__Output {
  'route': (_hookd_v1_Route__Output | null);
  'before': (boolean);
  'after': (boolean);
}
