// How a CRI container's Kubernetes data lives in an ordinary hookd container record, so that the
// Docker API lists and inspects it and it survives restarts with nothing stored elsewhere. As
// dockershim did: everything is a label.
//   io.kubernetes.docker.type=container       marks a CRI container (sandboxes: podsandbox)
//   io.kubernetes.sandbox.id=<sandbox id>     its pod
//   io.kubernetes.container.logpath=<path>    the log path the CRI asked for (absent: none asked)
//   io.hookd.cri.container.name / .attempt    ContainerMetadata
//   annotation.<key>=<value>                  each CRI annotation (dockershim's prefix)
//   <key>=<value>                             each CRI label, as given
// A CRI label may not use one of these reserved keys or the annotation prefix (INVALID_ARGUMENT).

export const CONTAINER_TYPE_LABEL = 'io.kubernetes.docker.type';
export const CONTAINER_TYPE = 'container';
export const SANDBOX_ID_LABEL = 'io.kubernetes.sandbox.id';
export const LOG_PATH_LABEL = 'io.kubernetes.container.logpath';
export const NAME_LABEL = 'io.hookd.cri.container.name';
export const ATTEMPT_LABEL = 'io.hookd.cri.container.attempt';
export const ANNOTATION_PREFIX = 'annotation.';

const RESERVED = new Set([CONTAINER_TYPE_LABEL, SANDBOX_ID_LABEL, LOG_PATH_LABEL, NAME_LABEL, ATTEMPT_LABEL]);

export function isReservedLabel(key: string): boolean {
  return RESERVED.has(key) || key.startsWith(ANNOTATION_PREFIX);
}

export interface CriContainerLabels {
  sandboxId: string;
  name: string;
  attempt: number;
  logPath: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function isCriContainer(labels: Record<string, string> | undefined): boolean {
  return labels?.[CONTAINER_TYPE_LABEL] === CONTAINER_TYPE && typeof labels[SANDBOX_ID_LABEL] === 'string';
}

/** The record labels for a CRI container (the caller checked the CRI labels with isReservedLabel). */
export function labelsFor(data: CriContainerLabels): Record<string, string> {
  return {
    ...data.labels,
    ...Object.fromEntries(Object.entries(data.annotations).map(([key, value]) => [`${ANNOTATION_PREFIX}${key}`, value])),
    [CONTAINER_TYPE_LABEL]: CONTAINER_TYPE,
    [SANDBOX_ID_LABEL]: data.sandboxId,
    [NAME_LABEL]: data.name,
    [ATTEMPT_LABEL]: String(data.attempt),
    ...(data.logPath ? { [LOG_PATH_LABEL]: data.logPath } : {}),
  };
}

/** The inverse of labelsFor: what the CRI reports back (labels a plugin added show as CRI labels). */
export function criDataOf(recordLabels: Record<string, string>): CriContainerLabels {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(recordLabels)) {
    if (key.startsWith(ANNOTATION_PREFIX)) annotations[key.slice(ANNOTATION_PREFIX.length)] = value;
    else if (!RESERVED.has(key)) labels[key] = value;
  }
  return {
    sandboxId: recordLabels[SANDBOX_ID_LABEL] ?? '',
    name: recordLabels[NAME_LABEL] ?? '',
    attempt: Number(recordLabels[ATTEMPT_LABEL] ?? 0) || 0,
    logPath: recordLabels[LOG_PATH_LABEL] ?? '',
    labels,
    annotations,
  };
}
