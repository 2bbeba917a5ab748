// The subprotocol names of Kubernetes streaming (k8s.io/apimachinery util/remotecommand and
// util/portforward) and the negotiation both transports share: the client lists what it speaks
// in preference order, the server answers with the first one it also speaks.

/** remotecommand over SPDY: v5 is v4 plus a CLOSE signal only WebSocket uses, so both mean the same here. */
export const SPDY_REMOTE_COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
/** remotecommand over WebSocket: client-go's WebSocket executor offers v5 only. */
export const WEBSOCKET_REMOTE_COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** Port forwarding over WebSocket is SPDY tunnelled inside binary messages (client-go tunneling_dialer.go). */
export const WEBSOCKET_TUNNELING_PREFIX = 'SPDY/3.1+';

export const STREAM_PROTOCOL_HEADER = 'x-stream-protocol-version';

/**
 * The first protocol of the client's list (one header, comma-separated, or repeated headers as
 * Node joins them) that the server supports; undefined when none is.
 */
export function negotiateProtocol(offered: string | string[] | undefined, supported: readonly string[]): string | undefined {
  const list = (Array.isArray(offered) ? offered.join(',') : offered ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return list.find((protocol) => supported.includes(protocol));
}
