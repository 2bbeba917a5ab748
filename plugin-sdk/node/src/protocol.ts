// The hookd.v1 protocol as this SDK loads it: the service definition built from the generated
// descriptor (src/generated, produced from proto/ by scripts/gen-node.mjs) and the versions spoken.
// Nothing here is written by hand per RPC; the descriptor carries the (de)serializers.
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { pluginDescriptor } from './generated/plugin-descriptor.ts';
import type { ProtoGrpcType } from './generated/types/plugin.ts';
import type { PluginDefinition } from './generated/types/hookd/v1/Plugin.ts';

/** The protocol versions this SDK speaks, newest first. Sent in DescribeResponse.protocol_versions. */
export const SDK_PROTOCOL_VERSIONS: readonly string[] = ['1'];

// The loader options every hookd consumer uses, so that field names stay snake_case, enums travel
// as their names ("HOOK_CONTAINER_PRE_CREATE") and unset fields decode to their defaults.
const packageDefinition = fromJSON(pluginDescriptor, {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** hookd.v1.Plugin: method paths and (de)serializers, keyed by RPC name ("ContainerPreCreate"). */
export const pluginService: PluginDefinition = loaded.hookd.v1.Plugin.service;

/** The client constructor for hookd.v1.Plugin (used by the testing helpers). */
export const PluginClientConstructor = loaded.hookd.v1.Plugin;
