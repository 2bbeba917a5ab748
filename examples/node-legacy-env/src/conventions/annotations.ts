// Labels "annotation.<key>=<value>" → SpecAnnotation {"<key>": "<value>"}.
//
// The legacy client could only set labels, so OCI annotations rode on a label prefix. An
// annotation already present in SpecAnnotation wins over its label.
import { getAnnotation, labelEntries, PluginRejection, setAnnotation, type ContainerCreateConfig } from '@hookd/plugin-sdk';

export const ANNOTATION_LABEL_PREFIX = 'annotation.';

export function applyAnnotationLabels(config: ContainerCreateConfig): void {
  for (const [label, value] of labelEntries(config)) {
    if (!label.startsWith(ANNOTATION_LABEL_PREFIX)) continue;
    const key = label.slice(ANNOTATION_LABEL_PREFIX.length);
    if (key === '') throw new PluginRejection(`label "${label}" names no annotation; write it like "annotation.com.example.team=infra"`);
    if (getAnnotation(config, key) === undefined) setAnnotation(config, key, value);
  }
}
