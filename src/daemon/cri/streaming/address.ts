// cri.streamingAddress: where the streaming server listens. Loopback by default, as containerd's
// (stream_server_address 127.0.0.1): the kubelet runs on the node, and a streaming URL is a bearer
// credential for one session. Port 0 picks a free port; the URLs carry the one bound.

export const DEFAULT_STREAMING_ADDRESS = '127.0.0.1:0';

/** "127.0.0.1:0", "[::1]:10010", ":0" (all interfaces). */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new Error(`cri.streamingAddress ${JSON.stringify(address)}: want host:port, e.g. 127.0.0.1:0 (port 0 picks a free one)`);
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}
