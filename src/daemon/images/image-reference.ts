// Image references as Docker users type them: "name[:tag]", where name may carry a registry
// ("registry:5000/team/app") and Docker Hub's implicit prefixes ("docker.io/library/busybox")
// mean the same image as the short form. Tags are stored short and always with a tag.

import { ImageError } from './image-errors.ts';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)';
const NAME = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
export const FULL_ID = /^(?:sha256:)?([0-9a-f]{64})$/;
export const ID_PREFIX = /^(?:sha256:)?([0-9a-f]{1,64})$/;

/** Splits "name[:tag]" (the tag is after the last colon that follows the last slash). */
export function splitRepoTag(reference: string): { name: string; tag: string } {
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return { name: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { name: reference, tag: 'latest' };
}

/** "docker.io/library/busybox" → "busybox", "docker.io/me/app" → "me/app". */
export function shortName(name: string): string {
  for (const prefix of ['docker.io/library/', 'index.docker.io/library/', 'docker.io/', 'index.docker.io/', 'library/']) {
    if (name.startsWith(prefix)) return name.slice(prefix.length);
  }
  return name;
}

/** A valid reference as stored in RepoTags ("name:tag"), or undefined when it is not one. */
export function normalizeRepoTag(reference: string): string | undefined {
  if (reference.includes('@')) return undefined; // digests: not supported by a local store without a registry
  const { name, tag } = splitRepoTag(reference);
  if (!NAME.test(name) || !TAG.test(tag)) return undefined;
  return `${shortName(name)}:${tag}`;
}

/** Like normalizeRepoTag, for a tag the caller wants to create: invalid is a 400. */
export function requireRepoTag(reference: string): string {
  const normalized = normalizeRepoTag(reference);
  if (normalized === undefined) {
    throw new ImageError('ERR_IMAGE_BAD_REFERENCE', `invalid reference format: "${reference}" (want name[:tag], lowercase name, tag of letters, digits, "_", "." or "-")`);
  }
  return normalized;
}
