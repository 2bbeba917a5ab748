// The thin client against a real node:http2 server that answers the way a broken or foreign gRPC
// server might (grpc-js's own server never does): each answer ends the call with the status gRPC's
// protocol prescribes, classified as callUnary's would be. Last, what close() leaves behind.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';

import { isHookdError } from '../../../src/host/errors.ts';
import { isTransportFailure } from '../../../src/host/grpc-client.ts';
import { WireClient } from '../../../src/host/wire-client.ts';
import { tempDirRemovedAtExit } from '../../fixtures/temp-dir.ts';

type Respond = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, session: http2.ServerHttp2Session) => void;

/** Serves `respond` for every stream on a unix socket; returns the client's address and the requests' headers. */
async function serve(t: TestContext, respond: Respond): Promise<{ address: string; requests: http2.IncomingHttpHeaders[] }> {
  const requests: http2.IncomingHttpHeaders[] = [];
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    requests.push(headers);
    // A stream the test resets reports the reset here too; that is the test's doing, not a failure.
    stream.on('error', () => undefined);
    // Read the request to its end before answering, as a gRPC server does.
    stream.resume();
    stream.once('end', () => respond(stream, headers, stream.session as http2.ServerHttp2Session));
  });
  const path = join(tempDirRemovedAtExit('hookd-wire-raw-'), 'plugin.sock');
  server.listen(path);
  await once(server, 'listening');
  t.after(() => {
    for (const session of sessions) session.destroy();
    server.close();
  });
  return { address: `unix://${path}`, requests };
}

function frame(body: Buffer, flag = 0): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(body.length, 1);
  return Buffer.concat([prefix, body]);
}

async function call(t: TestContext, address: string): Promise<unknown> {
  const wire = new WireClient('quota', address);
  t.after(() => wire.close());
  return wire.call('ContainerPreCreate', { name: 'web' }, { deadline: Date.now() + 10_000, plugin: 'quota', hook: 'container.preCreate' });
}

const ok = { ':status': 200, 'content-type': 'application/grpc' };

describe('WireClient against a misbehaving HTTP/2 server', () => {
  it('sends the gRPC request headers, with a grpc-timeout and identity as the only accepted encoding', async (t) => {
    const { address, requests } = await serve(t, (stream) => {
      stream.respond(ok, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(frame(Buffer.alloc(0)));
    });
    assert.deepEqual(await call(t, address), { config: null });
    const [headers] = requests;
    assert.equal(headers![':method'], 'POST');
    assert.equal(headers![':path'], '/hookd.v1.Plugin/ContainerPreCreate');
    assert.equal(headers!['content-type'], 'application/grpc');
    assert.equal(headers!.te, 'trailers');
    assert.equal(headers!['grpc-accept-encoding'], 'identity');
    assert.equal(headers!['grpc-encoding'], undefined);
    assert.match(String(headers!['grpc-timeout']), /^\d{1,8}m$/);
    assert.ok(Number.parseInt(String(headers!['grpc-timeout']), 10) <= 10_000);
  });

  it('takes the status of a trailers-only response, percent-decoding its message', async (t) => {
    const { address } = await serve(t, (stream) => {
      stream.respond({ ...ok, 'grpc-status': '9', 'grpc-message': 'quota %C3%A4 100%25 used' }, { endStream: true });
    });
    await assert.rejects(call(t, address), (error: unknown) => isHookdError(error, 'ERR_HOOK_REJECTED') && error.message.endsWith(': quota ä 100% used') && error.details.grpcCode === 'FAILED_PRECONDITION');
  });

  it('maps an HTTP status without grpc-status as gRPC\'s table says (503 → UNAVAILABLE, a transport failure)', async (t) => {
    const { address } = await serve(t, (stream) => {
      stream.respond({ ':status': 503, 'content-type': 'text/plain' });
      stream.end('overloaded');
    });
    await assert.rejects(call(t, address), (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT') && /HTTP 503/.test(error.message));
  });

  it('maps HTTP 404 without grpc-status to UNIMPLEMENTED, the plugin\'s refusal', async (t) => {
    const { address } = await serve(t, (stream) => {
      stream.respond({ ':status': 404 }, { endStream: true });
    });
    await assert.rejects(call(t, address), (error: unknown) => isHookdError(error, 'ERR_HOOK_REJECTED') && error.details.grpcCode === 'UNIMPLEMENTED');
  });

  it('fails a response that ends without a grpc-status as UNKNOWN', async (t) => {
    const { address } = await serve(t, (stream) => {
      stream.respond(ok);
      stream.end(frame(Buffer.alloc(0)));
    });
    await assert.rejects(call(t, address), (error: unknown) => isHookdError(error, 'ERR_HOOK_REJECTED') && error.details.grpcCode === 'UNKNOWN' && /without a grpc-status/.test(error.message));
  });

  it('refuses a compressed reply, naming it, although it asked for identity', async (t) => {
    const { address } = await serve(t, (stream) => {
      stream.respond({ ...ok, 'grpc-encoding': 'gzip' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(frame(Buffer.from([1, 2, 3]), 1));
    });
    await assert.rejects(call(t, address), (error: unknown) => isHookdError(error, 'ERR_HOOK_REJECTED') && error.details.grpcCode === 'INTERNAL' && /compressed reply/.test(error.message));
  });

  it('refuses an oversized length prefix at once, without waiting for the body', async (t) => {
    const { address } = await serve(t, (stream) => {
      stream.respond(ok);
      // The prefix announces 64 MiB; the body never comes and the stream stays open.
      stream.write(Buffer.from([0, 4, 0, 0, 0]));
    });
    await assert.rejects(call(t, address), (error: unknown) => isHookdError(error, 'ERR_HOOK_BAD_REPLY') && /67108864 bytes/.test(error.message));
  });

  it('reads a reply message split across DATA frames', async (t) => {
    const body = Buffer.from([0x0a, 0x04, 0x0a, 0x02, 0x7b, 0x7d]); // config { json: "{}" }
    const { address } = await serve(t, (stream) => {
      stream.respond(ok, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      const whole = frame(body);
      for (const part of [whole.subarray(0, 2), whole.subarray(2, 7), whole.subarray(7)]) stream.write(part);
      stream.end();
    });
    assert.deepEqual(await call(t, address), { config: { json: Buffer.from('{}') } });
  });

  it('fails a stream the plugin refuses (REFUSED_STREAM) as a transport failure', async (t) => {
    const { address } = await serve(t, (stream) => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM));
    await assert.rejects(call(t, address), (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT') && isTransportFailure(error));
  });

  it('after a GOAWAY, dials a new connection for the next call', async (t) => {
    let answered = 0;
    const sessions = new Set<http2.ServerHttp2Session>();
    const { address } = await serve(t, (stream, _headers, session) => {
      sessions.add(session);
      stream.respond(ok, { waitForTrailers: true });
      stream.on('wantTrailers', () => {
        stream.sendTrailers({ 'grpc-status': '0' });
        answered += 1;
        if (answered === 1) session.close(); // a graceful GOAWAY once the first call is served
      });
      stream.end(frame(Buffer.alloc(0)));
    });
    const wire = new WireClient('quota', address);
    t.after(() => wire.close());
    const options = { deadline: Date.now() + 10_000, plugin: 'quota', hook: 'container.preCreate' };
    await wire.call('ContainerPreCreate', {}, options);
    const [first] = sessions;
    if (!first!.closed) await once(first!, 'close');
    await wire.call('ContainerPreCreate', {}, options);
    assert.equal(sessions.size, 2, 'the second call came on a new connection');
  });
});

describe('WireClient.close', () => {
  it('leaves no timer and no connection behind, even with a call in flight', async (t) => {
    let onServed!: (session: http2.ServerHttp2Session) => void;
    const served = new Promise<http2.ServerHttp2Session>((resolve) => { onServed = resolve; });
    const { address } = await serve(t, (stream, _headers, session) => {
      stream.respond(ok); // a reply that never ends: the call is in flight until close()
      onServed(session);
    });
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const wire = new WireClient('quota', address);
    const call = wire.call('ContainerPreCreate', {}, { deadline: Date.now() + 60_000, plugin: 'quota', hook: 'container.preCreate' });
    const session = await served;
    assert.equal(timers(), before + 1, 'the call holds its deadline timer while in flight');
    const closed = once(session, 'close');
    wire.close();
    await assert.rejects(call, (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT'));
    assert.equal(timers(), before);
    await closed; // the plugin sees the connection end
  });
});
