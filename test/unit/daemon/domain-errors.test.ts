// The managers report failures as domain kinds (src/daemon/errors.ts); only the API layer turns a
// kind into an HTTP status, with Docker's codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError } from '../../../src/daemon/api/errors.ts';
import { conflict, invalidParameter, isDomainError, notFound, notModified, systemError } from '../../../src/daemon/errors.ts';
import { ImageError } from '../../../src/daemon/images/image-errors.ts';

test('each domain kind answers with its Docker status and keeps its message', () => {
  assert.deepEqual(describeError(invalidParameter('bad Memory')), { status: 400, message: 'bad Memory' });
  assert.deepEqual(describeError(notFound('no such container: web')), { status: 404, message: 'no such container: web' });
  assert.deepEqual(describeError(conflict('name "web" is in use')), { status: 409, message: 'name "web" is in use' });
  assert.deepEqual(describeError(notModified()), { status: 304, message: '' });
  assert.deepEqual(describeError(systemError('CNI DEL for network n failed')), { status: 500, message: 'CNI DEL for network n failed' });
});

test('image store errors are domain errors: their codes keep the statuses Docker answers with', () => {
  const statuses = (['ERR_IMAGE_NOT_FOUND', 'ERR_IMAGE_IN_USE', 'ERR_IMAGE_BAD_REFERENCE', 'ERR_IMAGE_BAD_CHANGE', 'ERR_IMAGE_BAD_ARCHIVE'] as const)
    .map((code) => describeError(new ImageError(code, `${code} happened`)));
  assert.deepEqual(statuses.map((s) => s.status), [404, 409, 400, 400, 400]);
  assert.deepEqual(statuses.map((s) => s.message), ['ERR_IMAGE_NOT_FOUND happened', 'ERR_IMAGE_IN_USE happened', 'ERR_IMAGE_BAD_REFERENCE happened', 'ERR_IMAGE_BAD_CHANGE happened', 'ERR_IMAGE_BAD_ARCHIVE happened']);
  const error = new ImageError('ERR_IMAGE_IN_USE', 'in use');
  assert.deepEqual([error.name, error.code, isDomainError(error, 'conflict'), (error as unknown as { status?: unknown }).status], ['ImageError', 'ERR_IMAGE_IN_USE', true, undefined]);
});

test('a domain error says its kind and carries no HTTP status of its own', () => {
  const error = conflict('container web is running', { cause: new Error('busy') });
  assert.equal(error.name, 'DomainError');
  assert.ok(error instanceof Error);
  assert.equal((error.cause as Error).message, 'busy');
  assert.equal((error as unknown as { status?: unknown }).status, undefined);
  assert.deepEqual([isDomainError(error, 'conflict'), isDomainError(error, 'not-found')], [true, false]);
});
