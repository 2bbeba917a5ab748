// Original file: proto/hookd/v1/plugin.proto

import type { Route as _hookd_v1_Route, Route__Output as _hookd_v1_Route__Output } from '../../hookd/v1/Route.ts';

export interface ApiUpdateHandlerRequest {
  'routes'?: (_hookd_v1_Route)[];
}

export interface ApiUpdateHandlerRequest__Output {
  'routes': (_hookd_v1_Route__Output)[];
}
