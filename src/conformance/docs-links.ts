// The sections of docs/protocol.md that findings point to, so a failure always says where the
// rule is written down. Keep in step with the headings of docs/protocol.md.

export const DOC = {
  transport: 'docs/protocol.md §2 Transport',
  environment: 'docs/protocol.md §3 Environment variables',
  lifecycle: 'docs/protocol.md §4 Life of a launched plugin',
  processRules: 'docs/protocol.md §5 Process rules',
  runByHand: 'docs/protocol.md §5 Process rules ("Run by hand")',
  describe: 'docs/protocol.md §6 Describe, Configure, Shutdown',
  hooks: 'docs/protocol.md §7 Hooks: requests and replies',
  jsonDocuments: 'docs/protocol.md §7 "JSON documents"',
  ociHooks: 'docs/protocol.md §7 "OCI hooks (ContainerPreStart)"',
  errors: 'docs/protocol.md §8 Errors',
  versioning: 'docs/protocol.md §9 Versioning',
  health: 'docs/protocol.md §1 Roles (grpc.health.v1.Health)',
} as const;
