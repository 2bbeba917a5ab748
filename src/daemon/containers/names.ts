// Container names and ids: Docker's name rule, generated names, and lookup by id, name or prefix.

import { randomBytes } from 'node:crypto';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { ContainerRecord } from './container-record.ts';

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

const ADJECTIVES = ['brave', 'calm', 'eager', 'gentle', 'jolly', 'keen', 'lucid', 'merry', 'nimble', 'quiet', 'sharp', 'witty'];
const NOUNS = ['babbage', 'curie', 'dijkstra', 'hopper', 'knuth', 'lovelace', 'noether', 'pike', 'ritchie', 'shannon', 'thompson', 'turing'];

export function generateContainerId(): string {
  return randomBytes(32).toString('hex');
}

/** "/name" for a valid name; 400 naming the rule otherwise. */
export function normalizeName(name: string): string {
  if (!VALID_NAME.test(name)) {
    throw badRequest(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.startsWith('/') ? name : `/${name}`;
}

export function generateName(isTaken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const pick = <T>(list: T[]): T => list[randomBytes(1)[0]! % list.length] as T;
    const name = `/${pick(ADJECTIVES)}_${pick(NOUNS)}${attempt > 5 ? `_${attempt}` : ''}`;
    if (!isTaken(name)) return name;
  }
}

/** `holderId` is the id of the container with the name, or undefined while that one is still being created. */
export function nameInUse(name: string, holderId: string | undefined): Error {
  const holder = holderId ? `container "${holderId}"` : 'a container that is being created';
  return conflict(`Conflict. The container name "${name}" is already in use by ${holder}. You have to remove (or rename) that container to be able to reuse that name.`);
}

/** Full id, name (with or without "/"), or a unique id prefix; 404 like Docker otherwise. */
export function findContainer(records: Iterable<ContainerRecord>, reference: string): ContainerRecord {
  const all = [...records];
  const byId = all.find((record) => record.Id === reference);
  if (byId) return byId;
  const wantedName = reference.startsWith('/') ? reference : `/${reference}`;
  const byName = all.find((record) => record.Name === wantedName);
  if (byName) return byName;
  const byPrefix = reference.length > 0 ? all.filter((record) => record.Id.startsWith(reference)) : [];
  if (byPrefix.length === 1) return byPrefix[0] as ContainerRecord;
  if (byPrefix.length > 1) throw badRequest(`multiple IDs found with provided prefix: ${reference}`);
  throw notFound(`No such container: ${reference}`);
}
