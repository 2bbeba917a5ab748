// Image names as a registry sees them: "busybox" is docker.io/library/busybox:latest,
// "127.0.0.1:5000/team/app@sha256:..." names a host, a repository and a digest. A first path
// component is a registry host only when it has a "." or ":" or is "localhost" (Docker's rule).
// The "familiar" form ("busybox:latest", "127.0.0.1:5000/app:1") is what RepoTags store.

import { ImageError } from '../images/image-errors.ts';

export const DOCKER_HUB = 'docker.io';

export interface ImageName {
  /** Registry host as written ("docker.io", "127.0.0.1:5000"). */
  domain: string;
  /** Repository path inside the registry ("library/busybox"). */
  repository: string;
  /** Tag when the name had one or had neither tag nor digest ("latest"). */
  tag?: string;
  /** "sha256:<hex>" when the name pinned a digest. */
  digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const DOMAIN = /^(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*(?::[0-9]+)?|\[[0-9a-fA-F:]+\](?::[0-9]+)?)$/;
const TAG = /^[\w][\w.-]{0,127}$/;
export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Parses "name[:tag][@digest]"; an invalid name is ERR_IMAGE_BAD_REFERENCE (400). */
export function parseImageName(text: string): ImageName {
  const bad = (why: string): ImageError => new ImageError('ERR_IMAGE_BAD_REFERENCE', `invalid reference format: "${text}": ${why}`);
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad('the digest must be sha256:<64 hex digits>');
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a valid tag`);
  }
  let domain = DOCKER_HUB;
  let repository = rest;
  const first = rest.indexOf('/');
  if (first !== -1) {
    const head = rest.slice(0, first);
    if (head.includes('.') || head.includes(':') || head === 'localhost') {
      domain = head === 'index.docker.io' ? DOCKER_HUB : head;
      repository = rest.slice(first + 1);
    }
  }
  if (!DOMAIN.test(domain)) throw bad(`"${domain}" is not a registry host`);
  if (domain === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!REPOSITORY.test(repository)) throw bad('the repository must be lowercase letters, digits and separators');
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { domain, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** "busybox", "me/app", "127.0.0.1:5000/app": the name without tag or digest, as Docker shows it. */
export function familiarRepository(name: ImageName): string {
  if (name.domain !== DOCKER_HUB) return `${name.domain}/${name.repository}`;
  return name.repository.startsWith('library/') ? name.repository.slice('library/'.length) : name.repository;
}

/** What the pull stores as a RepoTag ("busybox:latest"), or undefined for a digest-only pull. */
export function familiarTag(name: ImageName): string | undefined {
  return name.tag === undefined ? undefined : `${familiarRepository(name)}:${name.tag}`;
}

/** The tag or digest a manifest is fetched by (the digest wins when both are given). */
export function manifestReference(name: ImageName): string {
  return name.digest ?? name.tag ?? 'latest';
}
