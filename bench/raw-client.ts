// The "raw gRPC" baseline: a plain grpc-js client for hookd.v1.Plugin, dialled straight at a plugin
// process's unix socket, sending the very request message the host would send. No supervisor, no
// in-flight limiter, no deadline guard, no reply decoding, no merge: the transport and the
// plugin's own work, nothing else.

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import { pluginDescriptor } from '../src/host/generated/plugin-descriptor.ts';
import { WireClient } from './shipped-host.ts';

/** The options the host's grpc-client.ts loads the descriptor with, so messages take the same shape. */
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export interface PreCreateRequest {
  /** The container name; hostOperation invokes with '' and the host sends it, so the raw client does too. */
  name: string;
  context: { request_id: string };
  config_json: Buffer;
}

export interface PreCreateReply {
  config?: { json?: Buffer } | null;
}

type UnaryMethod = (request: PreCreateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<PreCreateReply>) => grpc.ClientUnaryCall;
type PluginClient = grpc.Client & { ContainerPreCreate: UnaryMethod };

export function loadPluginDefinition(): protoLoader.PackageDefinition {
  return protoLoader.fromJSON(pluginDescriptor, LOADER_OPTIONS);
}

/** What a raw baseline client does: one ContainerPreCreate call with the host's request bytes. */
export interface PreCreateClient {
  /** Resolves with the reply's document bytes, or undefined when the plugin left it unchanged. */
  preCreate(request: PreCreateRequest, timeoutMs: number): Promise<Buffer | undefined>;
  close(): void;
}

export class RawPluginClient implements PreCreateClient {
  readonly #client: PluginClient;

  constructor(address: string) {
    const hookd = grpc.loadPackageDefinition(loadPluginDefinition()).hookd as grpc.GrpcObject;
    const Plugin = (hookd.v1 as grpc.GrpcObject).Plugin as unknown as new (address: string, credentials: grpc.ChannelCredentials) => PluginClient;
    this.#client = new Plugin(address, grpc.credentials.createInsecure());
  }

  /** Resolves with the reply's document bytes, or undefined when the plugin left it unchanged. */
  preCreate(request: PreCreateRequest, timeoutMs: number): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      this.#client.ContainerPreCreate(request, { deadline: Date.now() + timeoutMs }, (error, reply) => {
        if (error) reject(error);
        else resolve(reply?.config?.json ?? undefined);
      });
    });
  }

  close(): void {
    this.#client.close();
  }
}

/**
 * The second baseline, "raw wire": the host's own transport (src/host/wire-client.ts, the thin
 * unary gRPC client on node:http2 that carries every hook call) called directly, with nothing of
 * the host around it: no supervisor, limiter, dispatch, reply decoding or merge. host / raw gRPC is
 * the goal (the host against a bare grpc-js client); host / raw wire is the host's own
 * work over the transport it uses, since that transport is cheaper than grpc-js's client.
 */
export class WireRawClient implements PreCreateClient {
  readonly #client: InstanceType<typeof WireClient>;

  constructor(address: string) {
    this.#client = new WireClient('bench-raw-wire', address);
  }

  async preCreate(request: PreCreateRequest, timeoutMs: number): Promise<Buffer | undefined> {
    const reply = await this.#client.call<PreCreateReply>('ContainerPreCreate', request, { deadline: Date.now() + timeoutMs, plugin: 'bench-raw-wire', hook: 'container.preCreate' });
    return reply?.config?.json ?? undefined;
  }

  close(): void {
    this.#client.close();
  }
}
