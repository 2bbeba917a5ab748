// The CRI server's composition and its one error mapping: two areas implementing one RPC is a
// start-up error naming both; domain errors, CRI errors and hook errors get the gRPC status the
// kubelet acts on, with the method first in the details.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { HookdError } from '../../../src/host/index.ts';
import type { CriDeps } from '../../../src/daemon/cri/deps.ts';
import { composeHandlers } from '../../../src/daemon/cri/server.ts';
import { alreadyExists, invalidField, toServiceError } from '../../../src/daemon/cri/status.ts';
import { conflict, invalidParameter, notFound, systemError } from '../../../src/daemon/errors.ts';

const deps = {} as CriDeps;
const version = async () => ({ version: '0.1.0', runtime_name: 'a', runtime_version: '1', runtime_api_version: 'v1' });

test('composes the areas\' handlers and refuses a method two areas implement, naming both', () => {
  const { handlers, areaOf } = composeHandlers(deps, [{ area: 'one', module: () => ({ Version: version }) }, { area: 'two', module: () => ({}) }]);
  assert.equal(handlers.Version, version);
  assert.equal(areaOf.get('Version'), 'one');
  assert.throws(() => composeHandlers(deps, [{ area: 'one', module: () => ({ Version: version }) }, { area: 'two', module: () => ({ Version: version }) }]),
    /CRI method Version is implemented by both the one and the two handlers/);
});

const STATUSES: Array<[string, unknown, grpc.status, RegExp]> = [
  ['a bad field', invalidField('config.metadata.name', 'is required'), grpc.status.INVALID_ARGUMENT, /^RunPodSandbox: config\.metadata\.name is required$/],
  ['a name clash', alreadyExists('pod name x is reserved'), grpc.status.ALREADY_EXISTS, /pod name x is reserved/],
  ['a domain invalid parameter', invalidParameter('bad'), grpc.status.INVALID_ARGUMENT, /bad/],
  ['a domain not-found', notFound('no such container: x'), grpc.status.NOT_FOUND, /no such container: x/],
  ['a domain conflict', conflict('container is running'), grpc.status.FAILED_PRECONDITION, /container is running/],
  ['a system failure', systemError('CNI bridge failed'), grpc.status.INTERNAL, /CNI bridge failed/],
  ['a plugin\'s refusal', new HookdError('ERR_HOOK_REJECTED', { plugin: 'quota', hook: 'cri.preCreateContainer', reason: 'too big' }), grpc.status.INVALID_ARGUMENT, /plugin "quota" rejected/],
  ['a plugin that is down', new HookdError('ERR_PLUGIN_UNAVAILABLE', { plugin: 'quota', hook: 'cri.preCreateContainer', state: 'restarting' }), grpc.status.UNAVAILABLE, /plugin "quota" is restarting/],
  ['anything else', new Error('boom'), grpc.status.UNKNOWN, /^RunPodSandbox: boom$/],
  ['an empty message', new Error(''), grpc.status.UNKNOWN, /UNKNOWN \(no message; the daemon's log has the details\)/],
];

for (const [what, error, code, details] of STATUSES) {
  test(`maps ${what} to ${grpc.status[code]}`, () => {
    const status = toServiceError(error, 'RunPodSandbox');
    assert.equal(status.code, code);
    assert.match(status.details, details);
  });
}
