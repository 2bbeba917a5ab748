// JSON helpers for the documents hooks exchange. They edit the parsed document in place and keep
// every field they do not touch, because a plugin's reply is the whole document (docs/protocol.md).
export type * from './types.ts';
export { getEnv, hasEnv, setEnv, unsetEnv, envToRecord, type EnvTarget } from './env.ts';
export {
  getLabel, setLabel, deleteLabel, labelEntries,
  getAnnotation, setAnnotation, deleteAnnotation,
  getMapEntry, setMapEntry, deleteMapEntry, mapEntries,
} from './maps.ts';
export { hostConfig, addCapabilities, cloneDocument } from './host-config.ts';
