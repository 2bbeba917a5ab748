import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as grpc from '@grpc/grpc-js';

import { classifyCallError, isTransportFailure } from '../../../src/host/grpc-client.ts';

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

const context = { plugin: 'quota', hook: 'container.preCreate', timeoutMs: 2000 };

describe('classifyCallError', () => {
  const table: Array<[string, grpc.status, string, string, boolean]> = [
    ['a deadline is a timeout, not a sign of death', grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded', 'ERR_HOOK_TIMEOUT', false],
    ['an unreachable plugin is a transport failure', grpc.status.UNAVAILABLE, 'No connection established', 'ERR_HOOK_TRANSPORT', true],
    ['a cancel we did not ask for is a transport failure', grpc.status.CANCELLED, 'Cancelled on client', 'ERR_HOOK_TRANSPORT', true],
    ['a torn stream is a transport failure', grpc.status.INTERNAL, 'Received RST_STREAM with code 2', 'ERR_HOOK_TRANSPORT', true],
    ['a dropped connection is a transport failure', grpc.status.UNKNOWN, 'Connection dropped', 'ERR_HOOK_TRANSPORT', true],
    ['an oversized reply is a bad reply', grpc.status.RESOURCE_EXHAUSTED, 'Received message larger than max (17825792 vs 16777216)', 'ERR_HOOK_BAD_REPLY', false],
    ['an undecodable reply is a bad reply', grpc.status.INTERNAL, 'Response message parsing error: index out of range', 'ERR_HOOK_BAD_REPLY', false],
    ['a refusal is the plugin\'s own answer', grpc.status.INVALID_ARGUMENT, 'memory above quota', 'ERR_HOOK_REJECTED', false],
    ['an INTERNAL error with the plugin\'s message is its own answer', grpc.status.INTERNAL, 'database locked', 'ERR_HOOK_REJECTED', false],
    ['a plugin\'s own RESOURCE_EXHAUSTED is its own answer', grpc.status.RESOURCE_EXHAUSTED, 'quota exhausted', 'ERR_HOOK_REJECTED', false],
    ['an unimplemented hook is a refusal', grpc.status.UNIMPLEMENTED, 'not implemented', 'ERR_HOOK_REJECTED', false],
  ];
  for (const [title, code, details, expected, isTransport] of table) {
    it(title, () => {
      const failure = classifyCallError(serviceError(code, details), context);
      assert.equal(failure.error.code, expected);
      assert.equal(failure.isTransport, isTransport);
      assert.equal(isTransportFailure(failure.error), isTransport);
      assert.equal(failure.error.plugin, 'quota');
    });
  }

  it('quotes the plugin\'s message when it refuses', () => {
    const failure = classifyCallError(serviceError(grpc.status.PERMISSION_DENIED, 'images from docker.io are not allowed'), context);
    assert.equal(failure.error.message, 'plugin "quota" rejected container.preCreate: images from docker.io are not allowed');
  });

  it('says how long the plugin had when it timed out', () => {
    const failure = classifyCallError(serviceError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'), context);
    assert.equal(failure.error.message, 'plugin "quota" did not answer container.preCreate within 2000 ms');
  });
});
