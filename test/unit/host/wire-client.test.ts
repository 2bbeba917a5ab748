// The thin client against a real grpc-js server serving hookd.v1.Plugin (the server every Node
// plugin runs): what it decodes is what grpc-js's client decodes, and every failure is classified
// as callUnary's would be. Misbehaviours a grpc-js server cannot produce are in wire-misbehaving.test.ts.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, type TestContext } from 'node:test';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import { isHookdError } from '../../../src/host/errors.ts';
import { pluginDescriptor } from '../../../src/host/generated/plugin-descriptor.ts';
import { MAX_REPLY_BYTES, callUnary, createPluginClients, isTransportFailure } from '../../../src/host/grpc-client.ts';
import { waitForSocket } from '../../../src/host/socket-wait.ts';
import type { TlsSpec } from '../../../src/host/types.ts';
import { WireClient } from '../../../src/host/wire-client.ts';
import { tempDirRemovedAtExit } from '../../fixtures/temp-dir.ts';
import { makeTestPki, openSslMissing } from '../../fixtures/test-pki.ts';

const definition = protoLoader.fromJSON(pluginDescriptor, { keepCase: true, defaults: true })['hookd.v1.Plugin'] as grpc.ServiceDefinition;
type Handlers = Partial<Record<'ContainerPreCreate' | 'ContainerPreStart', grpc.handleUnaryCall<unknown, unknown>>>;

interface Served {
  address: string;
  server: grpc.Server;
}

async function serve(t: TestContext, handlers: Handlers, options: { address?: string; credentials?: grpc.ServerCredentials; serialize?: (reply: unknown) => Buffer } = {}): Promise<Served> {
  const server = new grpc.Server();
  const service = { ...definition };
  if (options.serialize) service.ContainerPreCreate = { ...definition.ContainerPreCreate!, responseSerialize: options.serialize };
  server.addService(service, handlers as grpc.UntypedServiceImplementation);
  const address = options.address ?? `unix://${join(tempDirRemovedAtExit('hookd-wire-'), 'plugin.sock')}`;
  const credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, credentials, (error, bound) => (error ? reject(error) : resolve(bound))));
  t.after(() => server.forceShutdown());
  return { server, address: address.startsWith('unix:') ? address : address.replace(/:0$/, `:${port}`) };
}

function client(t: TestContext, address: string, tls?: TlsSpec): WireClient {
  const wire = new WireClient('quota', address, tls);
  t.after(() => wire.close());
  return wire;
}

const options = (extra: { deadline?: number; signal?: AbortSignal } = {}) => ({ deadline: Date.now() + 10_000, plugin: 'quota', hook: 'container.preCreate', ...extra });
const preCreate = { context: { request_id: 'r-1' }, name: 'web', config_json: Buffer.from('{"Image":"busybox","Env":["A=1"]}') };

describe('WireClient against a grpc-js server', () => {
  it('decodes a reply to exactly what the grpc-js client decodes', async (t) => {
    const seen: unknown[] = [];
    const { address } = await serve(t, {
      ContainerPreCreate: (call, callback) => {
        seen.push(call.request);
        callback(null, { config: { json: Buffer.from('{"Image":"busybox","Env":["A=1","B=ä"]}') } });
      },
      ContainerPreStart: (_call, callback) => callback(null, { hooks: [{ priority: -100, path: '/bin/hook', args: ['hook', 'prestart'], env: ['X=1'], timeout_seconds: 5 }, { path: '/bin/other' }] }),
    });
    const clients = createPluginClients('quota', address);
    t.after(() => clients.close());
    const wire = client(t, address);
    for (const [rpc, request] of [['ContainerPreCreate', preCreate], ['ContainerPreStart', { container_id: 'c1' }]] as const) {
      const byGrpcJs = await callUnary(clients.plugin, rpc, request, options());
      const byWire = await wire.call(rpc, request, options());
      assert.deepEqual(byWire, byGrpcJs);
    }
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[1], seen[0], 'the plugin receives the same request from both clients');
  });

  it('rejects with the plugin\'s status and its UTF-8 message, as its own refusal', async (t) => {
    const message = 'images from docker.io are refused: ä ✋ 100% «quota»';
    const { address } = await serve(t, { ContainerPreCreate: (_call, callback) => callback({ code: grpc.status.PERMISSION_DENIED, details: message }) });
    await assert.rejects(client(t, address).call('ContainerPreCreate', preCreate, options()), (error: unknown) =>
      isHookdError(error, 'ERR_HOOK_REJECTED') && !isTransportFailure(error) && error.message === `plugin "quota" rejected container.preCreate: ${message}`);
  });

  it('ends a call the plugin does not answer at the deadline, and the plugin sees it cancelled', async (t) => {
    let cancelled: Promise<unknown> | undefined;
    const { address } = await serve(t, { ContainerPreCreate: (call) => { cancelled = once(call, 'cancelled'); } });
    await assert.rejects(client(t, address).call('ContainerPreCreate', preCreate, options({ deadline: Date.now() + 300 })), (error: unknown) =>
      isHookdError(error, 'ERR_HOOK_TIMEOUT') && !isTransportFailure(error));
    await cancelled;
  });

  it('aborts a call when its signal aborts, resetting the stream the plugin is serving', async (t) => {
    const controller = new AbortController();
    let cancelled: Promise<unknown> | undefined;
    const { address } = await serve(t, {
      ContainerPreCreate: (call) => {
        cancelled = once(call, 'cancelled');
        controller.abort(new Error('the client went away'));
      },
    });
    await assert.rejects(client(t, address).call('ContainerPreCreate', preCreate, options({ signal: controller.signal })), (error: unknown) =>
      isHookdError(error, 'ERR_HOOK_ABORTED') && /the client went away/.test(error.message));
    await cancelled;
  });

  it('receives 1 MiB and 4 MiB replies intact, through the raised flow-control windows', async (t) => {
    const bodies = new Map([1, 4].map((mib) => {
      const body = Buffer.alloc(mib * 1024 * 1024);
      for (let i = 0; i < body.length; i += 4) body.writeUInt32BE((i * 2_654_435_761) >>> 0, i); // no two frames alike
      return [`${mib}`, body];
    }));
    const { address } = await serve(t, { ContainerPreCreate: (call, callback) => callback(null, { config: { json: bodies.get((call.request as { name: string }).name) } }) });
    const wire = client(t, address);
    // Both at once on one connection, so the connection's window is shared as well as each stream's.
    const replies = await Promise.all([...bodies.keys()].map((name) => wire.call<{ config: { json: Buffer } }>('ContainerPreCreate', { ...preCreate, name }, options())));
    assert.deepEqual(replies.map((reply) => reply.config.json.length), [1 << 20, 4 << 20]);
    assert.ok(replies[0]!.config.json.equals(bodies.get('1')!) && replies[1]!.config.json.equals(bodies.get('4')!), 'every byte arrives as sent');
  });

  it('refuses a reply above the size limit as a bad reply, from its length prefix', async (t) => {
    const { address } = await serve(t, { ContainerPreCreate: (_call, callback) => callback(null, {}) }, { serialize: () => Buffer.alloc(MAX_REPLY_BYTES + 1) });
    await assert.rejects(client(t, address).call('ContainerPreCreate', preCreate, options()), (error: unknown) =>
      isHookdError(error, 'ERR_HOOK_BAD_REPLY') && !isTransportFailure(error) && /larger than the 16 MiB limit/.test(error.message));
  });

  it('refuses a reply that does not decode as the response message', async (t) => {
    const { address } = await serve(t, { ContainerPreCreate: (_call, callback) => callback(null, {}) }, { serialize: () => Buffer.from([0x0a, 0xff, 0x01]) });
    await assert.rejects(client(t, address).call('ContainerPreCreate', preCreate, options()), (error: unknown) => isHookdError(error, 'ERR_HOOK_BAD_REPLY') && !isTransportFailure(error));
  });

  it('fails a call as a transport failure when the server goes away mid-call, and dials again on the next call', async (t) => {
    let received!: () => void;
    const isReceived = new Promise<void>((resolve) => { received = resolve; });
    const first = await serve(t, { ContainerPreCreate: () => received() });
    const wire = client(t, first.address);
    const call = wire.call('ContainerPreCreate', preCreate, options());
    await isReceived;
    first.server.forceShutdown();
    await assert.rejects(call, (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT') && isTransportFailure(error));

    await serve(t, { ContainerPreCreate: (_call, callback) => callback(null, { config: { json: Buffer.from('{}') } }) }, { address: first.address });
    assert.deepEqual(await wire.call('ContainerPreCreate', preCreate, options()), { config: { json: Buffer.from('{}') } });
  });

  // The bound turns a fixture that never gets the call (so never exits) into a failure, not a hung suite.
  it('fails a call as a transport failure, never as the plugin\'s answer, when the plugin\'s process exits mid-call', { timeout: 180_000 }, async (t) => {
    // Node ends the streams of a socket that closed, and 'end' could come before 'close': that end
    // was once read as a reply without grpc-status (ERR_HOOK_REJECTED), most times in a row here.
    for (let round = 0; round < 3; round++) {
      const socket = join(tempDirRemovedAtExit('hookd-wire-crash-'), 'plugin.sock');
      const plugin = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../fixtures/plugins/crashes-after-ready.ts', import.meta.url))], {
        env: { ...process.env, HOOKD_PLUGIN_ADDRESS: `unix://${socket}` }, stdio: ['pipe', 'ignore', 'ignore'],
      });
      const exited = once(plugin, 'exit');
      t.after(() => plugin.kill('SIGKILL'));
      await waitForSocket(socket, exited, 30_000, AbortSignal.timeout(30_000));
      // The socket exists from bind(), a moment before listen(): a dial in between is refused, a
      // lost connection too, and the fixture would never get the call it exits on. Describe (which
      // it answers) waits for it to listen.
      const clients = createPluginClients('quota', `unix://${socket}`);
      await callUnary(clients.plugin, 'Describe', {}, { deadline: Date.now() + 30_000, plugin: 'quota', hook: 'Describe', waitForReady: true });
      clients.close();
      assert.equal(plugin.exitCode, null, 'the fixture is serving');
      await assert.rejects(client(t, `unix://${socket}`).call('ImagePostPull', { image_ref: 'busybox', context: { request_id: 'r-1' } }, { ...options(), hook: 'image.postPull' }),
        (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT') && isTransportFailure(error) && /connection to the plugin was lost/.test(error.message));
      assert.deepEqual(await exited, [1, null], 'the fixture exited with code 1 during the call');
    }
  });

  it('fails a call to a socket nobody serves as a transport failure', async (t) => {
    const address = `unix://${join(tempDirRemovedAtExit('hookd-wire-'), 'nobody.sock')}`;
    await assert.rejects(client(t, address).call('ContainerPreCreate', preCreate, options()), (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT') && /ENOENT/.test(error.message));
  });

  it('ends calls in flight as transport failures when closed, and takes no call after', async (t) => {
    let received!: () => void;
    const isReceived = new Promise<void>((resolve) => { received = resolve; });
    const { address } = await serve(t, { ContainerPreCreate: () => received() });
    const wire = client(t, address);
    const call = wire.call('ContainerPreCreate', preCreate, options());
    await isReceived;
    wire.close();
    await assert.rejects(call, (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT'));
    await assert.rejects(wire.call('ContainerPreCreate', preCreate, options()), (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT') && /closed/.test(error.message));
  });
});

describe('WireClient over TCP with TLS', { skip: openSslMissing() }, () => {
  // A server certificate for the name plugin.internal only, so the client must send that name.
  const pki = openSslMissing() ? undefined : makeTestPki(tempDirRemovedAtExit('hookd-wire-pki-'), { subjectAltName: 'DNS:plugin.internal', serverName: 'plugin.internal' });
  const reply = { config: { json: Buffer.from('{"Image":"tls"}') } };
  const credentials = (checkClient: boolean) => {
    return grpc.ServerCredentials.createSsl(readFileSync(pki!.ca), [{ cert_chain: readFileSync(pki!.serverCert), private_key: readFileSync(pki!.serverKey) }], checkClient);
  };

  it('verifies the plugin against the CA under the manifest\'s serverName', async (t) => {
    const { address } = await serve(t, { ContainerPreCreate: (_call, callback) => callback(null, reply) }, { address: '127.0.0.1:0', credentials: credentials(false) });
    assert.deepEqual(await client(t, address, { caFile: pki!.ca, serverName: 'plugin.internal' }).call('ContainerPreCreate', preCreate, options()), reply);
    // Without the override the certificate (for plugin.internal only) does not match 127.0.0.1.
    await assert.rejects(client(t, address, { caFile: pki!.ca }).call('ContainerPreCreate', preCreate, options()), (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT') && /certificate/.test(error.message));
  });

  it('presents the host\'s client certificate for mutual TLS, and fails without it', async (t) => {
    const { address } = await serve(t, { ContainerPreCreate: (_call, callback) => callback(null, reply) }, { address: '127.0.0.1:0', credentials: credentials(true) });
    const mutual = { caFile: pki!.ca, certFile: pki!.clientCert, keyFile: pki!.clientKey, serverName: 'plugin.internal' };
    assert.deepEqual(await client(t, address, mutual).call('ContainerPreCreate', preCreate, options()), reply);
    await assert.rejects(client(t, address, { caFile: pki!.ca, serverName: 'plugin.internal' }).call('ContainerPreCreate', preCreate, options()), (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT'));
  });
});
