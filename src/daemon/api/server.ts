// The listening side: a unix socket (mode 0660 by default) and optionally TCP. TCP requires TLS
// unless the config says `insecure: true` explicitly; with a CA, clients must present a
// certificate it signed (Docker's --tlsverify).

import { chmod, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Router } from './router.ts';
import { clearStaleSocket, removeOwnSocket, socketIdentity } from './socket-claim.ts';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** When set, clients must present a certificate signed by this CA. */
  caFile?: string;
}

export interface ListenConfig {
  socketPath?: string;
  /** Defaults to 0o660. */
  socketMode?: number;
  tcp?: { host: string; port: number; tls?: TlsFiles; insecure?: boolean };
}

export interface ApiServer {
  listen(): Promise<{ socketPath?: string; tcp?: { host: string; port: number } }>;
  close(): Promise<void>;
}

export function createApiServer(router: Router, config: ListenConfig): ApiServer {
  const servers: Server[] = [];
  // Upgraded connections leave the server's bookkeeping; close() ends them itself.
  const hijacked = new Set<Duplex>();
  let boundSocket: string | undefined;

  function attach(server: Server): Server {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => { void router.handle(req, res); });
    // Attach and exec start ask to upgrade the connection to a raw stream (Docker's hijack).
    // Without this listener Node would pass them to 'request' and keep parsing HTTP on the socket.
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const res = new ServerResponse(req);
      res.shouldKeepAlive = false;
      res.assignSocket(socket as import('node:net').Socket);
      res.on('finish', () => socket.end());
      hijacked.add(socket);
      socket.once('close', () => hijacked.delete(socket));
      void router.handle(req, res, { socket, head });
    });
    servers.push(server);
    return server;
  }

  async function listen(): Promise<{ socketPath?: string; tcp?: { host: string; port: number } }> {
    const result: { socketPath?: string; tcp?: { host: string; port: number } } = {};
    if (config.socketPath) {
      const socketPath = config.socketPath;
      await clearStaleSocket(socketPath); // a crashed daemon's socket blocks listen(); a live one is refused
      const server = attach(createHttpServer());
      await listenOn(server, () => server.listen(socketPath));
      boundSocket = await socketIdentity(socketPath);
      await chmod(socketPath, config.socketMode ?? 0o660);
      result.socketPath = socketPath;
    }
    if (config.tcp) {
      const { host, port, tls, insecure } = config.tcp;
      if (!tls && !insecure) throw new Error(`refusing to listen on tcp ${host}:${port} without TLS; set tls (or insecure: true)`);
      const server = attach(tls
        ? createHttpsServer({
          cert: await readFile(tls.certFile),
          key: await readFile(tls.keyFile),
          ...(tls.caFile ? { ca: await readFile(tls.caFile), requestCert: true, rejectUnauthorized: true } : {}),
        })
        : createHttpServer());
      await listenOn(server, () => server.listen(port, host));
      const address = server.address();
      result.tcp = { host, port: typeof address === 'object' && address ? address.port : port };
    }
    return result;
  }

  async function close(): Promise<void> {
    for (const socket of hijacked) socket.destroy();
    await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // streams (events, logs -f, attach) would otherwise hold close() forever
    })));
    if (config.socketPath) await removeOwnSocket(config.socketPath, boundSocket);
  }

  return { listen, close };
}

function listenOn(server: Server, start: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => { server.off('error', reject); resolve(); });
    start();
  });
}
