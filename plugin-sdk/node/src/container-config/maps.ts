// Labels (`Labels`) and annotations (`SpecAnnotation`) of a create config: string maps edited in
// place, created on first write, every other key and field left as it was.
import type { JsonObject, StringMap } from './types.ts';

function mapOf(document: JsonObject, field: string, create: boolean): StringMap | undefined {
  const value = document[field];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as StringMap;
  if (!create) return undefined;
  const map: StringMap = {};
  document[field] = map;
  return map;
}

/** Reads `document[field][key]`; undefined when the map or the key is missing. */
export function getMapEntry(document: JsonObject, field: string, key: string): string | undefined {
  const map = mapOf(document, field, false);
  return map && Object.hasOwn(map, key) ? map[key] : undefined;
}

/** Sets `document[field][key] = value`, creating the map. */
export function setMapEntry(document: JsonObject, field: string, key: string, value: string): void {
  (mapOf(document, field, true) as StringMap)[key] = value;
}

/** Deletes `document[field][key]`. Returns whether it was there. */
export function deleteMapEntry(document: JsonObject, field: string, key: string): boolean {
  const map = mapOf(document, field, false);
  if (!map || !Object.hasOwn(map, key)) return false;
  delete map[key];
  return true;
}

/** The map's entries (empty when it is missing). */
export function mapEntries(document: JsonObject, field: string): Array<[string, string]> {
  return Object.entries(mapOf(document, field, false) ?? {});
}

export const getLabel = (config: JsonObject, key: string) => getMapEntry(config, 'Labels', key);
export const setLabel = (config: JsonObject, key: string, value: string) => setMapEntry(config, 'Labels', key, value);
export const deleteLabel = (config: JsonObject, key: string) => deleteMapEntry(config, 'Labels', key);
export const labelEntries = (config: JsonObject) => mapEntries(config, 'Labels');

export const getAnnotation = (config: JsonObject, key: string) => getMapEntry(config, 'SpecAnnotation', key);
export const setAnnotation = (config: JsonObject, key: string, value: string) =>
  setMapEntry(config, 'SpecAnnotation', key, value);
export const deleteAnnotation = (config: JsonObject, key: string) => deleteMapEntry(config, 'SpecAnnotation', key);
