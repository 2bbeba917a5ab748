import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersionList, readServeSettings } from '../src/environment.ts';

test('without HOOKD_PLUGIN_ADDRESS or HOOKD_LISTEN the plugin counts as run by hand', () => {
  assert.equal(readServeSettings({}), undefined);
  assert.equal(readServeSettings({ HOOKD_PLUGIN_ADDRESS: '  ' }), undefined);
});

test('HOOKD_PLUGIN_ADDRESS means launched mode and wins over a stray HOOKD_LISTEN', () => {
  assert.deepEqual(readServeSettings({
    HOOKD_PLUGIN_ADDRESS: 'unix:///run/hookd/p.sock', HOOKD_LISTEN: '0.0.0.0:7000',
    HOOKD_PLUGIN_NAME: 'quota', HOOKD_PROTOCOL_VERSIONS: '1,2',
  }), {
    mode: 'launched', address: 'unix:///run/hookd/p.sock', manifestName: 'quota', hostProtocolVersions: ['1', '2'],
  });
});

test('HOOKD_LISTEN means sidecar mode; a bare path is a unix socket', () => {
  assert.deepEqual(readServeSettings({ HOOKD_LISTEN: '/run/hookd/x.sock' }), { mode: 'sidecar', address: 'unix:///run/hookd/x.sock' });
});

test('a TCP sidecar without TLS is refused with the variables to set', () => {
  assert.throws(() => readServeSettings({ HOOKD_LISTEN: '0.0.0.0:7000' }), /needs TLS: set HOOKD_TLS_CERT_FILE and HOOKD_TLS_KEY_FILE/);
});

test('a TCP sidecar with a certificate, key and client CA serves mutual TLS', () => {
  assert.deepEqual(readServeSettings({
    HOOKD_LISTEN: 'tcp://0.0.0.0:7000', HOOKD_TLS_CERT_FILE: '/c.pem', HOOKD_TLS_KEY_FILE: '/k.pem', HOOKD_TLS_CLIENT_CA_FILE: '/ca.pem',
  }), { mode: 'sidecar', address: '0.0.0.0:7000', tls: { certFile: '/c.pem', keyFile: '/k.pem', clientCaFile: '/ca.pem' } });
});

test('a certificate without its key, or TLS on a unix socket, is refused', () => {
  assert.throws(() => readServeSettings({ HOOKD_LISTEN: 'h:1', HOOKD_TLS_CERT_FILE: '/c.pem' }), /must be set together/);
  assert.throws(
    () => readServeSettings({ HOOKD_LISTEN: 'unix:///x.sock', HOOKD_TLS_CERT_FILE: '/c', HOOKD_TLS_KEY_FILE: '/k' }),
    /TCP addresses only/,
  );
});

test('a launched plugin may serve plain TCP on loopback only', () => {
  assert.equal(readServeSettings({ HOOKD_PLUGIN_ADDRESS: '127.0.0.1:0' })?.address, '127.0.0.1:0');
  assert.throws(() => readServeSettings({ HOOKD_PLUGIN_ADDRESS: '10.0.0.1:7000' }), /needs TLS/);
});

test('protocol version lists are read in the forms a host might write them', () => {
  assert.deepEqual(parseVersionList('1'), ['1']);
  assert.deepEqual(parseVersionList('1, 2'), ['1', '2']);
  assert.deepEqual(parseVersionList('["1","2"]'), ['1', '2']);
});
