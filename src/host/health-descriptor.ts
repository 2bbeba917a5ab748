// grpc.health.v1 as a protobufjs JSON descriptor (the messages and the two RPCs the host calls),
// so that loading it is a fromJSON, not a parse of health.proto. grpc-health-check, which the host
// used before, parses its .proto from its own folder on import: time at every daemon start, and a
// file the one-file daemon bundle (scripts/build.mjs) cannot carry. The wire format is fixed by
// gRPC's health checking protocol; this mirrors grpc/health/v1/health.proto field for field.
export const healthDescriptor: Record<string, unknown> = {
  nested: { grpc: { nested: { health: { nested: { v1: { nested: {
    HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
    HealthCheckResponse: {
      fields: { status: { type: 'ServingStatus', id: 1 } },
      nested: { ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } } },
    },
    Health: {
      methods: {
        Check: { requestType: 'HealthCheckRequest', responseType: 'HealthCheckResponse' },
        Watch: { requestType: 'HealthCheckRequest', responseType: 'HealthCheckResponse', responseStream: true },
      },
    },
  } } } } } } },
};
