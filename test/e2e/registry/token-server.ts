// A registry token server (distribution's "token" auth) for tests: GET /token?service=&scope=
// with Basic credentials answers {"token": <JWT>} signed RS256 by a key whose self-signed
// certificate (made by openssl) the registry trusts; the JWT carries the cert in its x5c header.
// Wrong credentials get 401; anonymous requests get a token without access, so the registry
// refuses them. Every request is recorded for assertions.

import { createPrivateKey, createSign, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { execa } from 'execa';

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  requests: Array<{ scope: string; user: string | undefined }>;
  stop(): Promise<void>;
}

const base64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

export async function startTokenServer(dir: string, username: string, password: string): Promise<TokenServer> {
  const keyFile = join(dir, 'token-key.pem');
  const certFile = join(dir, 'token-cert.pem');
  await execa('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=hookd-test-token']);
  const key = createPrivateKey(await readFile(keyFile));
  const cert = new X509Certificate(await readFile(certFile));
  const service = 'hookd-test-registry';
  const issuer = 'hookd-test-issuer';
  const requests: TokenServer['requests'] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scope = url.searchParams.get('scope') ?? '';
    const header = req.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString() : undefined;
    const user = decoded?.split(':')[0];
    requests.push({ scope, user });
    if (decoded !== undefined && decoded !== `${username}:${password}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"wrong credentials"}');
      return;
    }
    const access = decoded === undefined ? [] : scope.split(' ').filter(Boolean).map((one) => {
      const [type, ...rest] = one.split(':');
      const actions = rest.pop()!.split(',');
      return { type, name: rest.join(':'), actions };
    });
    const now = Math.floor(Date.now() / 1000);
    const head = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [cert.raw.toString('base64')] }));
    const claims = base64url(JSON.stringify({ iss: issuer, sub: user ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: String(Math.random()), access }));
    const signature = createSign('RSA-SHA256').update(`${head}.${claims}`).sign(key);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${head}.${claims}.${base64url(signature)}`, expires_in: 300 }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    realm: `http://127.0.0.1:${port}/token`, service, issuer, certFile, requests,
    async stop() {
      server.close();
      await once(server, 'close');
    },
  };
}
