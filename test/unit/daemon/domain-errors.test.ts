// The managers report failures as domain kinds (src/daemon/errors.ts); only the API layer turns a
// kind into an HTTP status, with Docker's codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError } from '../../../src/daemon/api/errors.ts';
import { conflict, invalidParameter, isDomainError, notFound, notModified } from '../../../src/daemon/errors.ts';

test('each domain kind answers with its Docker status and keeps its message', () => {
  assert.deepEqual(describeError(invalidParameter('bad Memory')), { status: 400, message: 'bad Memory' });
  assert.deepEqual(describeError(notFound('no such container: web')), { status: 404, message: 'no such container: web' });
  assert.deepEqual(describeError(conflict('name "web" is in use')), { status: 409, message: 'name "web" is in use' });
  assert.deepEqual(describeError(notModified()), { status: 304, message: '' });
});

test('a domain error says its kind and carries no HTTP status of its own', () => {
  const error = conflict('container web is running', { cause: new Error('busy') });
  assert.equal(error.name, 'DomainError');
  assert.ok(error instanceof Error);
  assert.equal((error.cause as Error).message, 'busy');
  assert.equal((error as unknown as { status?: unknown }).status, undefined);
  assert.deepEqual([isDomainError(error, 'conflict'), isDomainError(error, 'not-found')], [true, false]);
});
