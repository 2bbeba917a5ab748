// The CRI streaming server: the HTTP endpoint the URLs of Exec, Attach and PortForward point at.
// Like containerd's, it listens on 127.0.0.1 by default (config `cri.streamingAddress`, port 0
// picks a free one): the kubelet and crictl run on the node, and a URL is a bearer credential for
// one session, so it is not offered to the network unless the operator says so.
//
//   /exec/<token>  /attach/<token>   SPDY/3.1 (X-Stream-Protocol-Version v5/v4.channel.k8s.io)
//                                    or WebSocket (v5.channel.k8s.io)
//   /portforward/<token>             SPDY/3.1 (portforward.k8s.io) or WebSocket carrying SPDY
//                                    (SPDY/3.1+portforward.k8s.io)
//
// A token is single-use and expires (request-cache.ts); the path's kind must match the request's.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import { DomainError } from '../../errors.ts';
import { parseAddress } from './address.ts';
import type { StreamingBackend } from './backend.ts';
import {
  negotiateProtocol, PORT_FORWARD_PROTOCOL, SPDY_REMOTE_COMMAND_PROTOCOLS, STREAM_PROTOCOL_HEADER, WEBSOCKET_REMOTE_COMMAND_PROTOCOLS,
  WEBSOCKET_TUNNELING_PREFIX,
} from './protocols.ts';
import { RequestCache, type StreamingRequest } from './request-cache.ts';
import { serveRemoteCommandOverSpdy } from './spdy-remote-command.ts';
import { servePortForwardOverSpdy } from './spdy-port-forward.ts';
import { SpdySession } from './spdy-session.ts';
import { acceptSpdyUpgrade, isSpdyUpgrade, refuseUpgrade } from './spdy-upgrade.ts';
import { serveRemoteCommandOverWebSocket } from './websocket-remote-command.ts';

export interface StreamingServerOptions {
  /** host:port to listen on; port 0 picks a free one. */
  address: string;
  backend: StreamingBackend;
  tokenTtlMs?: number;
  logger?: Logger;
}

const PATH = /^\/(exec|attach|portforward)\/([A-Za-z0-9_-]+)$/;

export class StreamingServer {
  readonly #server: Server;
  readonly #cache: RequestCache;
  readonly #backend: StreamingBackend;
  readonly #logger: Logger | undefined;
  /** The subprotocol chosen for each upgrade request; ws asks for it through handleProtocols. */
  readonly #chosenProtocols = new WeakMap<IncomingMessage, string>();
  readonly #webSockets = new WebSocketServer({
    noServer: true, perMessageDeflate: false, handleProtocols: (_offered, req) => this.#chosenProtocols.get(req) ?? false,
  });
  readonly #sockets = new Set<Duplex>();
  #baseUrl = '';

  readonly #address: { host: string; port: number };

  /** Validates the address (throws naming cri.streamingAddress); listen() binds it. */
  constructor(options: StreamingServerOptions) {
    this.#address = parseAddress(options.address);
    this.#backend = options.backend;
    this.#logger = options.logger;
    this.#cache = new RequestCache({ ttlMs: options.tokenTtlMs });
    this.#server = createServer((req, res) => refuseRequest(req, res));
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(req, socket, head));
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Constructs and listens. */
  static async start(options: StreamingServerOptions): Promise<StreamingServer> {
    const server = new StreamingServer(options);
    await server.listen();
    return server;
  }

  async listen(): Promise<string> {
    const { host, port } = this.#address;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const bound = this.#server.address() as AddressInfo;
    this.#baseUrl = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
    return this.#baseUrl;
  }

  /** http://host:port the server answers on. */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** Stores the request under a fresh token and returns the URL the client connects to. */
  urlFor(request: StreamingRequest): string {
    if (!this.#baseUrl) throw new DomainError('system', 'the CRI streaming server is not listening (the daemon is starting or stopping)');
    return `${this.#baseUrl}/${request.kind}/${this.#cache.insert(request)}`;
  }

  /** Stops listening and ends every session (their execs are killed, attaches detached). */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#webSockets.close();
    if (this.#server.listening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#baseUrl = '';
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined); // a client that resets mid-handshake; its session ends on close
    const match = PATH.exec(new URL(req.url ?? '/', 'http://streaming').pathname);
    const request = match ? this.#cache.consume(match[2]!) : undefined;
    if (!match || !request || request.kind !== match[1]) {
      refuseUpgrade(socket, 404, 'Not Found', 'unknown, used or expired streaming token: ask the runtime for a new URL');
      return;
    }
    const upgrade = req.headers.upgrade;
    if (upgrade?.toLowerCase() === 'websocket') this.#upgradeWebSocket(req, socket, head, request);
    else if (isSpdyUpgrade(upgrade)) this.#upgradeSpdy(req, socket, head, request);
    else refuseUpgrade(socket, 400, 'Bad Request', `unsupported upgrade ${JSON.stringify(upgrade ?? '')}: use SPDY/3.1 or websocket`);
  }

  #upgradeSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, request: StreamingRequest): void {
    const supported = request.kind === 'portforward' ? [PORT_FORWARD_PROTOCOL] : SPDY_REMOTE_COMMAND_PROTOCOLS;
    const protocol = negotiateProtocol(req.headers[STREAM_PROTOCOL_HEADER], supported);
    if (!protocol) {
      refuseUpgrade(socket, 403, 'Forbidden', `no common stream protocol: the client offers ${JSON.stringify(req.headers[STREAM_PROTOCOL_HEADER] ?? '')}, hookd speaks ${supported.join(', ')}`);
      return;
    }
    this.#serve(request, acceptSpdyUpgrade(socket, head, protocol), protocol);
  }

  #upgradeWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, request: StreamingRequest): void {
    const offered = req.headers['sec-websocket-protocol'];
    const supported = request.kind === 'portforward' ? [WEBSOCKET_TUNNELING_PREFIX + PORT_FORWARD_PROTOCOL] : WEBSOCKET_REMOTE_COMMAND_PROTOCOLS;
    const protocol = negotiateProtocol(offered, supported);
    if (!protocol) {
      refuseUpgrade(socket, 400, 'Bad Request', `no common WebSocket subprotocol: the client offers ${JSON.stringify(offered ?? '')}, hookd speaks ${supported.join(', ')}`);
      return;
    }
    // ws refuses a Sec-WebSocket-Protocol that is not an RFC 7230 token list, and the tunnelling
    // protocol has a "/" in it: the choice is made here, and ws only sends it back.
    this.#chosenProtocols.set(req, protocol);
    req.headers['sec-websocket-protocol'] = 'negotiated-by-hookd';
    this.#webSockets.handleUpgrade(req, socket, head, (webSocket: WebSocket) => {
      if (request.kind === 'portforward') {
        // The tunnel: the WebSocket's binary messages are a byte stream of SPDY frames.
        const tunnel = createWebSocketStream(webSocket);
        tunnel.on('error', () => undefined); // the client left; the session's close ends the forwards
        this.#serve(request, new SpdySession(tunnel), PORT_FORWARD_PROTOCOL);
        return;
      }
      this.#track(request, serveRemoteCommandOverWebSocket(webSocket, request, protocol, this.#backend));
    });
  }

  #serve(request: StreamingRequest, session: SpdySession, protocol: string): void {
    if (request.kind === 'portforward') this.#track(request, servePortForwardOverSpdy(session, request.podSandboxId, this.#backend));
    else this.#track(request, serveRemoteCommandOverSpdy(session, request, protocol, this.#backend));
  }

  #track(request: StreamingRequest, session: Promise<unknown>): void {
    session.catch((error: unknown) => this.#logger?.warn({ err: error, request: request.kind }, 'streaming session failed'));
  }
}

/** Plain requests get a clear refusal: the endpoints only speak upgraded connections. */
function refuseRequest(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(PATH.test(new URL(req.url ?? '/', 'http://streaming').pathname) ? 400 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('hookd CRI streaming: connect with a SPDY/3.1 or WebSocket upgrade to the URL Exec, Attach or PortForward returned\n');
}
