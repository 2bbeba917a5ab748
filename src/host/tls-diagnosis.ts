// Why a TLS sidecar does not become ready. grpc-js keeps a failed TLS handshake to itself (the
// channel only goes TRANSIENT_FAILURE and calls wait until their deadline), so an operator saw
// "did not become ready" and nothing about the certificate. When the channel fails, one TLS
// handshake of our own, with the same CA, client key pair and server name, tells the reason:
// unknown CA, name mismatch, expired or not yet valid, or the plugin refusing our certificate.

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import type { TlsSpec } from './types.ts';

/** The HTTP/2 client preface and an empty SETTINGS frame: a gRPC server answers with its SETTINGS. */
const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);
const PROBE_TIMEOUT_MS = 3_000;

const UNKNOWN_CA = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE']);

/** "host:port", "[v6]:port" or "dns:///host:port" → connect options; undefined for other forms. */
function target(address: string): { host: string; port: number } | undefined {
  const match = /^(?:dns:(?:\/\/\/)?)?(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(address);
  return match ? { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) } : undefined;
}

/** Words for an operator: what is wrong with which certificate, and which manifest field to check. */
export function describeTlsFailure(error: NodeJS.ErrnoException, serverName: string): string {
  const code = error.code ?? '';
  if (UNKNOWN_CA.has(code)) return `the plugin's certificate is not signed by the CA in attach.tls.caFile (unknown CA: ${code}, ${error.message})`;
  if (code === 'CERT_HAS_EXPIRED') return `the plugin's certificate has expired (${code})`;
  if (code === 'CERT_NOT_YET_VALID') return `the plugin's certificate is not valid yet (${code})`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the plugin's certificate does not name "${serverName}" (name mismatch: ${error.message}); fix the certificate or attach.tls.serverName`;
  if (/alert/i.test(error.message)) return `the plugin refused the host's client certificate (attach.tls.certFile/keyFile): ${error.message}`;
  return `TLS handshake failed: ${code ? `${code}, ` : ''}${error.message}`;
}

/**
 * One TLS handshake to `address` as the host's channel would make it. Resolves with the reason it
 * fails, or undefined when it succeeds, the address is not TCP or nothing answers (not a TLS matter).
 */
export function diagnoseTls(address: string, tls: TlsSpec): Promise<string | undefined> {
  const where = target(address);
  if (!where) return Promise.resolve(undefined);
  const serverName = tls.serverName ?? where.host;
  const options: ConnectionOptions = {
    host: where.host,
    port: where.port,
    ALPNProtocols: ['h2'],
    rejectUnauthorized: true,
    timeout: PROBE_TIMEOUT_MS,
    // The certificate is checked against servername (SNI cannot carry an IP: then the host is used).
    ...(isIP(serverName) ? {} : { servername: serverName }),
  };
  try {
    if (tls.caFile) options.ca = readFileSync(tls.caFile);
    if (tls.certFile && tls.keyFile) {
      options.cert = readFileSync(tls.certFile);
      options.key = readFileSync(tls.keyFile);
    }
  } catch (error) {
    return Promise.resolve(`a TLS file of the manifest cannot be read: ${(error as Error).message}`);
  }
  return new Promise((resolve) => {
    const socket = connect(options);
    const finish = (reason: string | undefined): void => {
      socket.destroy();
      resolve(reason);
    };
    // Success is the server's first frame after our preface: a refusal of our client certificate
    // (TLS 1.3 sends it after the handshake) arrives as an error instead.
    socket.once('secureConnect', () => socket.write(H2_PREFACE));
    socket.once('data', () => finish(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      finish(error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' ? undefined : describeTlsFailure(error, serverName));
    });
    socket.once('timeout', () => finish(undefined));
    socket.once('end', () => finish(undefined));
  });
}
