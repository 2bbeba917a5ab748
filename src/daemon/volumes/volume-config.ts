// Decoding POST /volumes/create and checking what volume.preCreate returned.

import { badRequest } from '../errors.ts';
import type { VolumeCreateConfig } from './volume-record.ts';

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function isStringMap(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    && Object.values(value).every((item) => typeof item === 'string');
}

/**
 * Absent fields become "" / {} so that plugins always see the whole shape; Name and Driver stay
 * empty (the daemon defaults them after the hook). `where` starts each message.
 */
export function decodeVolumeConfig(body: Record<string, unknown>, where = 'invalid volume config'): VolumeCreateConfig {
  const fail = (field: string, reason: string): never => { throw badRequest(`${where}: ${field} ${reason}`); };
  const name = body.Name ?? '';
  const driver = body.Driver ?? '';
  const driverOpts = body.DriverOpts ?? {};
  const labels = body.Labels ?? {};
  if (typeof name !== 'string') fail('Name', `must be a string, got ${JSON.stringify(name)}`);
  if (typeof driver !== 'string') fail('Driver', `must be a string, got ${JSON.stringify(driver)}`);
  if (!isStringMap(driverOpts)) fail('DriverOpts', `must be an object of strings, got ${JSON.stringify(driverOpts)}`);
  if (!isStringMap(labels)) fail('Labels', `must be an object of strings, got ${JSON.stringify(labels)}`);
  if (name !== '' && !VALID_NAME.test(name as string)) {
    fail('Name', `"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`);
  }
  return { Name: name as string, Driver: driver as string, DriverOpts: driverOpts as Record<string, string>, Labels: labels as Record<string, string> };
}
