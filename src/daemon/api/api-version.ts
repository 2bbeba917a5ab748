// Docker-style API version negotiation: clients may prefix paths with /v1.NN; versions outside
// [MIN_API_VERSION, API_VERSION] are refused with Docker's wording.

import { badRequest } from './errors.ts';

export const API_VERSION = '1.43';
export const MIN_API_VERSION = '1.24';

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor;
}

/** Splits "/v1.41/containers/json" into the version and the path; throws 400 for unsupported versions. */
export function splitVersionPrefix(rawPath: string): { version: string; path: string } {
  const match = VERSION_PREFIX.exec(rawPath);
  if (!match) return { version: API_VERSION, path: rawPath };
  const version = match[1] as string;
  if (compareApiVersions(version, API_VERSION) > 0) {
    throw badRequest(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  if (compareApiVersions(version, MIN_API_VERSION) < 0) {
    throw badRequest(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  return { version, path: match[2] as string };
}
