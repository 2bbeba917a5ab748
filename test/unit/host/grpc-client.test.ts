import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import { isHookdError } from '../../../src/host/errors.ts';
import { pluginDescriptor } from '../../../src/host/generated/plugin-descriptor.ts';

import { callUnary, classifyCallError, createPluginClients, isTransportFailure, type CallStatusError } from '../../../src/host/grpc-client.ts';

// The marks are what grpc-js and the client's interceptor attach (see CallStatusError): the
// classification reads them and the status code, never the message text.
function serviceError(code: grpc.status, details: string, marks: { isConnectionLost?: boolean; isReplyStarted?: boolean } = {}): CallStatusError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata(), ...marks });
}

const context = { plugin: 'quota', hook: 'container.preCreate', timeoutMs: 2000 };

describe('classifyCallError', () => {
  const table: Array<[string, grpc.status, string, string, boolean, { isConnectionLost?: boolean; isReplyStarted?: boolean }?]> = [
    ['a deadline is a timeout, not a sign of death', grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded', 'ERR_HOOK_TIMEOUT', false],
    ['an unreachable plugin is a transport failure', grpc.status.UNAVAILABLE, 'No connection established', 'ERR_HOOK_TRANSPORT', true],
    ['a cancel we did not ask for is a transport failure', grpc.status.CANCELLED, 'Cancelled on client', 'ERR_HOOK_TRANSPORT', true],
    ['a torn stream on a lost connection is a transport failure', grpc.status.INTERNAL, 'Received RST_STREAM with code 2', 'ERR_HOOK_TRANSPORT', true, { isConnectionLost: true }],
    ['a dropped connection is a transport failure', grpc.status.UNKNOWN, 'Connection dropped', 'ERR_HOOK_TRANSPORT', true, { isConnectionLost: true }],
    ['an oversized reply is a bad reply', grpc.status.RESOURCE_EXHAUSTED, 'Received message larger than max (17825792 vs 16777216)', 'ERR_HOOK_BAD_REPLY', false, { isReplyStarted: true }],
    ['a lost connection is a transport failure whatever grpc-js says', grpc.status.INTERNAL, 'some future wording', 'ERR_HOOK_TRANSPORT', true, { isConnectionLost: true }],
    ['a plugin\'s INTERNAL that reads like a transport message is still its own answer', grpc.status.INTERNAL, 'Received RST_STREAM with code 2', 'ERR_HOOK_REJECTED', false],
    ['a refusal is the plugin\'s own answer', grpc.status.INVALID_ARGUMENT, 'memory above quota', 'ERR_HOOK_REJECTED', false],
    ['an INTERNAL error with the plugin\'s message is its own answer', grpc.status.INTERNAL, 'database locked', 'ERR_HOOK_REJECTED', false],
    ['a plugin\'s own RESOURCE_EXHAUSTED is its own answer', grpc.status.RESOURCE_EXHAUSTED, 'quota exhausted', 'ERR_HOOK_REJECTED', false],
    ['a plugin\'s own RESOURCE_EXHAUSTED is its own answer whatever it says', grpc.status.RESOURCE_EXHAUSTED, 'Received message larger than max (1 vs 0)', 'ERR_HOOK_REJECTED', false],
    ['an unimplemented hook is a refusal', grpc.status.UNIMPLEMENTED, 'not implemented', 'ERR_HOOK_REJECTED', false],
  ];
  for (const [title, code, details, expected, isTransport, marks] of table) {
    it(title, () => {
      const failure = classifyCallError(serviceError(code, details, marks), context);
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

// The same classification against a real grpc-js server on a unix socket: what the marks say is
// what grpc-js and the plugin actually produce.
describe('callUnary against a real server', () => {
  async function withServer(
    handler: grpc.handleUnaryCall<unknown, unknown>,
    serialize: (reply: unknown) => Buffer,
    run: (client: grpc.Client) => Promise<void>,
  ): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'hookd-grpc-client-'));
    const definition = protoLoader.fromJSON(pluginDescriptor, { keepCase: true, defaults: true })['hookd.v1.Plugin'] as grpc.ServiceDefinition;
    const server = new grpc.Server();
    server.addService({ ContainerPreCreate: { ...definition.ContainerPreCreate!, responseSerialize: serialize } }, { ContainerPreCreate: handler });
    const address = `unix://${join(dir, 'plugin.sock')}`;
    await new Promise<void>((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())));
    const clients = createPluginClients('quota', address);
    try {
      await run(clients.plugin);
    } finally {
      clients.close();
      server.forceShutdown();
      await rm(dir, { recursive: true, force: true });
    }
  }
  const call = (client: grpc.Client) => callUnary(client, 'ContainerPreCreate', {}, { deadline: Date.now() + 10_000, plugin: 'quota', hook: 'container.preCreate' });

  it('refuses a reply that does not decode as the response message with ERR_HOOK_BAD_REPLY', async () => {
    // Field 1, length-delimited, announcing 255 bytes that never come.
    await withServer((_call, callback) => callback(null, {}), () => Buffer.from([0x0a, 0xff, 0x01]), async (client) => {
      await assert.rejects(call(client), (error: unknown) => isHookdError(error, 'ERR_HOOK_BAD_REPLY') && error.plugin === 'quota' && !isTransportFailure(error));
    });
  });

  it('takes a RESOURCE_EXHAUSTED the plugin returns as its refusal, not as an oversized reply', async () => {
    await withServer((_call, callback) => callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'Received message larger than max (quota)' }), () => Buffer.alloc(0), async (client) => {
      await assert.rejects(call(client), (error: unknown) => isHookdError(error, 'ERR_HOOK_REJECTED') && /quota/.test(error.message));
    });
  });
});
