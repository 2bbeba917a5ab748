// Original file: proto/hookd/v1/plugin.proto

import type { Route as _hookd_v1_Route, Route__Output as _hookd_v1_Route__Output } from '../../hookd/v1/Route.ts';
import type { RouteWrap as _hookd_v1_RouteWrap, RouteWrap__Output as _hookd_v1_RouteWrap__Output } from '../../hookd/v1/RouteWrap.ts';

export interface ApiUpdateHandlerResponse {
  'add'?: (_hookd_v1_Route)[];
  'remove'?: (_hookd_v1_Route)[];
  'wrap'?: (_hookd_v1_RouteWrap)[];
}

export interface ApiUpdateHandlerResponse__Output {
  'add': (_hookd_v1_Route__Output)[];
  'remove': (_hookd_v1_Route__Output)[];
  'wrap': (_hookd_v1_RouteWrap__Output)[];
}
