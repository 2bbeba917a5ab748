// TCP listening: TLS is required, and with a CA clients must present a certificate it signed.
// The certificates are made with the openssl CLI; without it the TLS cases skip and say why.

import { tempDirRemovedAtExit } from '../../fixtures/temp-dir.ts';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { jsonResponse } from '../../../src/daemon/api/route-table.ts';
import { createRouter } from '../../../src/daemon/api/router.ts';
import { createApiServer } from '../../../src/daemon/api/server.ts';
import { silentLogger } from './containers-fakes.ts';

const router = createRouter([{ method: 'GET', path: '/_ping', handler: async () => jsonResponse(200, 'OK') }], { logger: silentLogger });

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function makeCertificates(): Promise<Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string>> {
  const dir = tempDirRemovedAtExit('hookd-tls-');
  const at = (name: string): string => join(dir, name);
  const ssl = (...args: string[]): void => { execFileSync('openssl', args, { stdio: 'ignore' }); };
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=hookd test CA', '-keyout', at('ca.key'), '-out', at('ca.pem'));
  for (const [who, subject, ext] of [['server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], ['client', '/CN=client', 'extendedKeyUsage=clientAuth']] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', at(`${who}.key`), '-out', at(`${who}.csr`));
    await writeFile(at(`${who}.ext`), `${ext}\n`);
    ssl('x509', '-req', '-in', at(`${who}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', at(`${who}.ext`), '-out', at(`${who}.pem`));
  }
  return { ca: at('ca.pem'), serverCert: at('server.pem'), serverKey: at('server.key'), clientCert: at('client.pem'), clientKey: at('client.key') };
}

test('TCP without TLS is refused unless insecure is set explicitly', async () => {
  const server = createApiServer(router, { tcp: { host: '127.0.0.1', port: 0 } });
  await assert.rejects(server.listen(), /refusing to listen on tcp 127.0.0.1:0 without TLS/);
});

test('with a CA, a client certificate signed by it is required', { skip: hasOpenssl() ? false : 'openssl CLI not installed' }, async () => {
  const certs = await makeCertificates();
  const server = createApiServer(router, { tcp: { host: '127.0.0.1', port: 0, tls: { certFile: certs.serverCert, keyFile: certs.serverKey, caFile: certs.ca } } });
  const { tcp } = await server.listen();
  try {
    const get = (withClientCert: boolean): Promise<number> => new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: tcp?.port, path: '/_ping', ca: readFileSync(certs.ca),
        ...(withClientCert ? { cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) } : {}),
      }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end();
    });
    assert.equal(await get(true), 200);
    await assert.rejects(get(false));
  } finally {
    await server.close();
  }
});
