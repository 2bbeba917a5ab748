// grpc.health.v1.Health (Check and Watch), written out here instead of taken from grpc-health-check:
// that package parses health.proto from its own folder when it is imported, which costs every
// plugin start-up time and makes a plugin that cannot be bundled into one file (the .proto must sit
// at a path relative to the package). Two messages of one field each are encoded by hand below.
import * as grpc from '@grpc/grpc-js';

/** HealthCheckResponse.ServingStatus, as grpc-js callers see it with `enums: String`. */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
const STATUS_NUMBERS: Record<ServingStatus, number> = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 };
const STATUS_NAMES = Object.keys(STATUS_NUMBERS) as ServingStatus[];

interface CheckRequest { service: string }
interface CheckResponse { status: ServingStatus }

function readVarint(bytes: Buffer, at: number): [value: number, next: number] {
  let value = 0;
  for (let shift = 0, i = at; i < bytes.length && shift < 35; shift += 7, i++) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, i + 1];
  }
  throw new Error('malformed varint in a grpc.health.v1 message');
}

function writeVarint(value: number): number[] {
  const out: number[] = [];
  for (; value >= 0x80; value = Math.floor(value / 128)) out.push((value & 0x7f) | 0x80);
  out.push(value);
  return out;
}

function skipBytes(bytes: Buffer, at: number): number {
  const [length, start] = readVarint(bytes, at);
  return start + length;
}

/** Walks the fields of a message, calling onField for field 1 and skipping everything else. */
function readField1(bytes: Buffer, onField: (wireType: number, at: number) => number): void {
  for (let at = 0; at < bytes.length;) {
    const [tag, next] = readVarint(bytes, at);
    const wireType = tag & 7;
    if (tag >>> 3 === 1) at = onField(wireType, next);
    else if (wireType === 0) at = readVarint(bytes, next)[1];
    else if (wireType === 2) at = skipBytes(bytes, next);
    else if (wireType === 1) at = next + 8;
    else if (wireType === 5) at = next + 4;
    else throw new Error(`unsupported wire type ${wireType} in a grpc.health.v1 message`);
  }
}

function decodeRequest(bytes: Buffer): CheckRequest {
  let service = '';
  readField1(bytes, (_wireType, at) => {
    const [length, start] = readVarint(bytes, at);
    service = bytes.toString('utf8', start, start + length);
    return start + length;
  });
  return { service };
}

function encodeRequest(request: CheckRequest): Buffer {
  const text = Buffer.from(request.service ?? '', 'utf8');
  return text.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a, ...writeVarint(text.length)]), text]);
}

function decodeResponse(bytes: Buffer): CheckResponse {
  let number = 0;
  readField1(bytes, (_wireType, at) => {
    const [value, next] = readVarint(bytes, at);
    number = value;
    return next;
  });
  return { status: STATUS_NAMES[number] ?? 'UNKNOWN' };
}

function encodeResponse(response: CheckResponse): Buffer {
  const number = STATUS_NUMBERS[response.status] ?? 0;
  return number === 0 ? Buffer.alloc(0) : Buffer.from([0x08, ...writeVarint(number)]);
}

function method(name: 'Check' | 'Watch', responseStream: boolean) {
  return {
    path: `/grpc.health.v1.Health/${name}`,
    requestStream: false,
    responseStream,
    requestSerialize: encodeRequest,
    requestDeserialize: decodeRequest,
    responseSerialize: encodeResponse,
    responseDeserialize: decodeResponse,
    originalName: name.toLowerCase(),
  };
}

/** The service definition, for a server (addService) or a client (makeGenericClientConstructor). */
export const healthService = { Check: method('Check', false), Watch: method('Watch', true) } satisfies grpc.ServiceDefinition;

/** The server side: a status per service name, answered by Check and streamed to Watch calls. */
export class HealthStatus {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Set<{ service: string; call: grpc.ServerWritableStream<CheckRequest, CheckResponse> }>();

  constructor(initial: Record<string, ServingStatus>) {
    for (const [service, status] of Object.entries(initial)) this.statuses.set(service, status);
  }

  setStatus(service: string, status: ServingStatus): void {
    this.statuses.set(service, status);
    for (const watcher of this.watchers) if (watcher.service === service) watcher.call.write({ status });
  }

  addToServer(server: grpc.Server): void {
    server.addService(healthService, {
      check: (call: grpc.ServerUnaryCall<CheckRequest, CheckResponse>, callback: grpc.sendUnaryData<CheckResponse>) => {
        const status = this.statuses.get(call.request.service);
        if (status) callback(null, { status });
        else callback({ code: grpc.status.NOT_FOUND, details: `Health status unknown for service ${call.request.service}` });
      },
      watch: (call: grpc.ServerWritableStream<CheckRequest, CheckResponse>) => {
        const watcher = { service: call.request.service, call };
        this.watchers.add(watcher);
        call.on('cancelled', () => this.watchers.delete(watcher));
        call.write({ status: this.statuses.get(watcher.service) ?? 'SERVICE_UNKNOWN' });
      },
    });
  }
}
