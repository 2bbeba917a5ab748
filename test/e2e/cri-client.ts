// A Kubernetes CRI client for the e2e tests, the way the kubelet and crictl are one: grpc-js with
// the service definitions loaded from the vendored upstream proto (proto/cri/api.proto), not from
// the daemon's generated descriptor, so a test also catches a daemon that drifted from the file.
// Each RPC is a promise; a failure rejects with the grpc ServiceError (code, details).

import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { runcMissingReason } from './daemon-per-runtime.ts';
import { REPO } from './daemon-process.ts';

/** Why a pod cannot run here (runc, catatonit for the infra, the CNI plugins), or undefined. */
export async function podToolsMissingReason(): Promise<string | undefined> {
  const runc = await runcMissingReason();
  if (runc) return runc;
  if (await access('/usr/bin/catatonit').then(() => false, () => true)) return 'catatonit is not installed (apt-get install catatonit)';
  const plugins = await readdir('/usr/lib/cni').catch(() => [] as string[]);
  const missing = ['bridge', 'host-local', 'loopback', 'portmap'].filter((p) => !plugins.includes(p));
  if (missing.length > 0) return `CNI plugins missing in /usr/lib/cni: ${missing.join(', ')} (apt-get install containernetworking-plugins)`;
  return undefined;
}

const definition = protoLoader.loadSync(join(REPO, 'proto/cri/api.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const runtimeV1 = (grpc.loadPackageDefinition(definition).runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;

// The requests and responses are the proto's messages as plain objects (snake_case fields).
type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type CriCall = (request?: Message, options?: { deadlineMs?: number }) => Promise<Message>;

export interface CriClient {
  runtime: Record<string, CriCall>;
  image: Record<string, CriCall>;
  close(): void;
}

export function criClient(socketPath: string): CriClient {
  const make = (service: string): { client: grpc.Client; calls: Record<string, CriCall> } => {
    const Constructor = runtimeV1[service] as unknown as grpc.ServiceClientConstructor;
    const client = new Constructor(`unix://${socketPath}`, grpc.credentials.createInsecure());
    const calls: Record<string, CriCall> = {};
    for (const method of Object.keys(Constructor.service)) {
      calls[method] = (request = {}, options = {}) => new Promise((resolve, reject) => {
        const deadline = new Date(Date.now() + (options.deadlineMs ?? 120_000));
        const callable = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!.bind(client);
        callable(request, new grpc.Metadata(), { deadline }, (error: grpc.ServiceError | null, response: Message) => (error ? reject(error) : resolve(response)));
      });
    }
    return { client, calls };
  };
  const runtime = make('RuntimeService');
  const image = make('ImageService');
  return {
    runtime: runtime.calls,
    image: image.calls,
    close: () => { runtime.client.close(); image.client.close(); },
  };
}

/** The CRI socket of a DaemonProcess started with the default config. */
export function criSocketOf(dataRoot: string): string {
  return join(dataRoot, 'cri.sock');
}
