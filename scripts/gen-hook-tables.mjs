// Generates every side's hook table from the `hook_contract` method options of
// proto/hookd/v1/plugin.proto, so that a hook is described once:
//   src/host/generated/hook-contracts.ts              the host (src/host/hooks.ts reads it)
//   plugin-sdk/node/src/generated/hook-contracts.ts   the Node SDK (src/hook-table.ts)
//   plugin-sdk/go/hookd/hook_contracts_gen.go         the Go SDK (plugin.go), gofmt'ed
//   plugin-sdk/python/src/hookd_plugin/hook_contracts_gen.py   the Python SDK (hooks.py)
// The options are checked first; a contract that cannot be right (a merge hook whose document
// field is not in its request, a Hook value served by two RPCs or by none) stops generation
// with the RPC named. Run by scripts/generate-protos.sh; check-generated fails on drift.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROTO = 'proto/hookd/v1/plugin.proto';

/** A protobufjs Root that resolves google/protobuf/*.proto to the copies protobufjs ships. */
export function loadProto() {
  const wellKnown = dirname(createRequire(import.meta.url).resolve('protobufjs/package.json'));
  const proto = new protobuf.Root();
  proto.resolvePath = (origin, target) =>
    target.startsWith('google/protobuf/') ? join(wellKnown, target) : protobuf.util.path.resolve(origin, target);
  proto.loadSync(join(root, PROTO), { keepCase: true });
  proto.resolveAll();
  return proto;
}

function fail(rpc, message) {
  throw new Error(`${PROTO}: rpc ${rpc}: option (hook_contract) ${message}`);
}

/** The contracts in service order, checked. */
export function readContracts(proto) {
  const service = proto.lookupService('hookd.v1.Plugin');
  const hookEnum = proto.lookupEnum('hookd.v1.Hook');
  const contracts = [];
  for (const method of service.methodsArray) {
    const option = (method.parsedOptions ?? []).find((entry) => '(hook_contract)' in entry)?.['(hook_contract)'];
    if (!option) continue;
    const request = proto.lookupType(method.requestType);
    const response = proto.lookupType(method.responseType);
    const contract = {
      name: option.name ?? '',
      protoEnum: option.hook ?? 'HOOK_UNSPECIFIED',
      rpc: method.name,
      combine: option.combine ?? 'COMBINE_UNSPECIFIED',
      defaultFailurePolicy: option.default_failure_policy ?? 'FAILURE_POLICY_UNSPECIFIED',
      defaultTimeoutMs: option.default_timeout_ms ?? 0,
      documentField: option.document_field ?? '',
      replyField: option.reply_field ?? '',
      rawDocument: option.raw_document === true,
      hasContext: request.fields.context !== undefined,
      requestType: request.name,
      responseType: response.name,
      inputs: requestInputs(proto, request, option.document_field ?? '', option.raw_document === true),
    };
    if (!/^[a-z]+\.[a-z][A-Za-z]+$/.test(contract.name)) fail(method.name, `name "${contract.name}" is not "<area>.<point>"`);
    if (contract.protoEnum === 'HOOK_UNSPECIFIED') fail(method.name, 'has no hook');
    if (contract.combine === 'COMBINE_UNSPECIFIED') fail(method.name, 'has no combine');
    if (contract.defaultFailurePolicy === 'FAILURE_POLICY_UNSPECIFIED') fail(method.name, 'has no default_failure_policy');
    const isMerge = contract.combine === 'COMBINE_MERGE';
    if (isMerge !== (contract.documentField !== '')) fail(method.name, 'must set document_field exactly when combine is COMBINE_MERGE');
    if (isMerge && !request.fields[contract.documentField]) fail(method.name, `document_field "${contract.documentField}" is not a field of ${request.name}`);
    if (isMerge && response.fields[contract.replyField]?.type !== 'JsonDocument') {
      fail(method.name, `reply_field "${contract.replyField}" is not a JsonDocument field of ${response.name}`);
    }
    contracts.push(contract);
  }
  const enumValues = Object.keys(hookEnum.values).filter((value) => value !== 'HOOK_UNSPECIFIED');
  for (const value of enumValues) {
    const serving = contracts.filter((contract) => contract.protoEnum === value);
    if (serving.length !== 1) throw new Error(`${PROTO}: Hook ${value} is served by ${serving.length} RPCs (${serving.map((c) => c.rpc).join(', ') || 'none'}); it needs exactly one`);
  }
  const names = contracts.map((contract) => contract.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`${PROTO}: two RPCs have the hook name "${duplicate}"`);
  return contracts;
}

/**
 * The embedder's typed input of a hook, field by field, from its request message: proto field
 * names in lower camel case; `context` is the host's own. A `bytes` field named `x_json` is a JSON
 * value `x` the host encodes; other `bytes` are a Buffer; enums are their value names.
 */
function requestInputs(proto, request, documentField, isRawDocument) {
  const inputs = [];
  for (const field of request.fieldsArray) {
    if (field.name === 'context') continue;
    const isJson = field.type === 'bytes' && field.name.endsWith('_json');
    const key = camel(isJson ? field.name.slice(0, -'_json'.length) : field.name);
    let kind = 'plain';
    let type;
    if (isJson) {
      kind = 'json';
      type = 'unknown';
    } else if (field.type === 'bytes') {
      type = 'Buffer';
    } else if (field.resolvedType instanceof protobuf.Enum) {
      kind = 'enum';
      type = Object.keys(field.resolvedType.values).filter((value) => !value.endsWith('_UNSPECIFIED')).map((value) => `'${value}'`).join(' | ');
    } else if (field.resolvedType instanceof protobuf.Type) {
      type = `{ ${field.resolvedType.fieldsArray.map((inner) => `readonly ${inner.name}: ${scalarType(inner)}`).join('; ')} }`;
    } else {
      type = scalarType(field);
    }
    if (field.repeated) type = `readonly ${type.includes(' ') ? `(${type})` : type}[]`;
    const isDocument = field.name === documentField;
    inputs.push({ key, field: field.name, kind: isDocument ? (isRawDocument ? 'raw-document' : 'document') : kind, type: isDocument && isRawDocument ? 'Buffer' : type });
  }
  return inputs;
}

function scalarType(field) {
  if (field.type === 'string') return 'string';
  if (field.type === 'bool') return 'boolean';
  if (field.type === 'bytes') return 'Buffer';
  if (/^u?int32$|^s?fixed32$|^double$|^float$/.test(field.type)) return 'number';
  throw new Error(`${PROTO}: field ${field.fullName} of type ${field.type} has no embedder type; teach gen-hook-tables.mjs`);
}

const camel = (text) => text.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
const lowerFirst = (text) => text[0].toLowerCase() + text.slice(1);
const snake = (text) => text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const policyWord = (policy) => policy.replace('FAILURE_POLICY_', '').toLowerCase();

function typescript(contracts, withKey) {
  const lines = [
    `// GENERATED by scripts/gen-hook-tables.mjs from the hook_contract options of ${PROTO}. DO NOT EDIT.`,
    '',
    `/** Every hook point, by its host name. */`,
    `export type HookName =\n${contracts.map((c) => `  | '${c.name}'`).join('\n')};`,
    '',
    `/** How replies combine: the proto enum hookd.v1.Combine. */`,
    `export type HookCombine = ${[...new Set(contracts.map((c) => `'${c.combine}'`))].join(' | ')};`,
    '',
    'export interface HookContract {',
    '  readonly name: HookName;',
    ...(withKey ? ['  /** The handler key of the SDK\'s HookHandlers (the RPC, lower camel case). */', '  readonly key: string;'] : []),
    '  /** The value of the proto enum `hookd.v1.Hook` that subscribes to this hook. */',
    '  readonly protoEnum: string;',
    '  /** The RPC of service hookd.v1.Plugin that serves it. */',
    '  readonly rpc: string;',
    '  readonly combine: HookCombine;',
    "  readonly defaultFailurePolicy: 'fail' | 'ignore';",
    '  /** 0 = the manifest\'s timeoutMs. */',
    '  readonly defaultTimeoutMs: number;',
    '  /** COMBINE_MERGE hooks: the request field carrying the document, and the reply field returning it. */',
    '  readonly document?: { readonly requestField: string; readonly replyField: string; readonly raw: boolean };',
    '  /** Whether the request message has a `context` (RequestContext) field. */',
    '  readonly hasContext: boolean;',
    '}',
    '',
    'export const HOOK_CONTRACTS: readonly HookContract[] = [',
  ];
  for (const c of contracts) {
    const fields = [
      `name: '${c.name}'`,
      ...(withKey ? [`key: '${lowerFirst(c.rpc)}'`] : []),
      `protoEnum: '${c.protoEnum}'`, `rpc: '${c.rpc}'`, `combine: '${c.combine}'`,
      `defaultFailurePolicy: '${policyWord(c.defaultFailurePolicy)}'`, `defaultTimeoutMs: ${c.defaultTimeoutMs}`,
      ...(c.documentField ? [`document: { requestField: '${c.documentField}', replyField: '${c.replyField}', raw: ${c.rawDocument} }`] : []),
      `hasContext: ${c.hasContext}`,
    ];
    lines.push(`  { ${fields.join(', ')} },`);
  }
  lines.push('];', '');
  return lines.join('\n');
}

/** The host's typed embedder API per hook: its input, its combine mode, and how input keys map to request fields. */
function hostIo(contracts) {
  const lines = [
    '',
    '/** What an embedder passes to invoke(hook, input), per hook: the request message\'s fields in camel case. */',
    'export interface HookInputs {',
  ];
  for (const c of contracts) {
    const fields = c.inputs.map((input) => `readonly ${input.key}: ${input.type}`);
    lines.push(`  '${c.name}': { ${fields.join('; ')} };`);
  }
  lines.push('}', '', '/** How each hook combines, by name: picks the shape of invoke()\'s result. */', 'export interface HookCombines {');
  for (const c of contracts) lines.push(`  '${c.name}': '${c.combine}';`);
  lines.push('}', '', '/** How each input key becomes a request field (\'json\': encoded as JSON; the document of a merge hook is the host\'s). */');
  lines.push("export const HOOK_INPUT_FIELDS: Readonly<Record<HookName, ReadonlyArray<{ readonly key: string; readonly field: string; readonly kind: 'plain' | 'json' | 'enum' | 'document' | 'raw-document' }>>> = {");
  for (const c of contracts) {
    lines.push(`  '${c.name}': [${c.inputs.map((input) => `{ key: '${input.key}', field: '${input.field}', kind: '${input.kind}' }`).join(', ')}],`);
  }
  lines.push('};', '');
  return lines.join('\n');
}

function go(contracts) {
  const lines = [
    `// Code generated by scripts/gen-hook-tables.mjs from the hook_contract options of ${PROTO}. DO NOT EDIT.`,
    '',
    'package hookd',
    '',
    'import "github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"',
    '',
    '// The hook points; the values are the protocol\'s.',
    'const (',
    ...contracts.map((c) => `\tHook${c.rpc} = hookdv1.Hook_${c.protoEnum}`),
    ')',
    '',
    '// hookContracts ties each hook to its handler field, in protocol order: Describe\'s',
    '// subscription is derived from it. A Plugin field missing for a hook of the proto does not compile.',
    'var hookContracts = []hookContract{',
  ];
  for (const c of contracts) {
    lines.push(
      `\t{hook: Hook${c.rpc}, rpc: "${c.rpc}", name: "${c.name}", combine: hookdv1.Combine_${c.combine}, ` +
      `defaultFailurePolicy: hookdv1.FailurePolicy_${c.defaultFailurePolicy}, defaultTimeoutMs: ${c.defaultTimeoutMs}, ` +
      `isSet: func(p *Plugin) bool { return p.${c.rpc} != nil }},`,
    );
  }
  lines.push('}', '');
  return lines.join('\n');
}

function python(contracts) {
  const lines = [
    `"""Generated by scripts/gen-hook-tables.mjs from the hook_contract options of ${PROTO}. Do not edit."""`,
    '',
    'from __future__ import annotations',
    '',
    'from typing import NamedTuple',
    '',
    'from google.protobuf.message import Message',
    '',
    'from ._gen.hookd.v1 import plugin_pb2 as pb',
    '',
    '',
    'class HookContract(NamedTuple):',
    '    name: str',
    '    rpc: str',
    '    method: str',
    '    hook: int',
    '    combine: int',
    '    default_failure_policy: int',
    '    default_timeout_ms: int',
    '    document_field: str',
    '    reply_field: str',
    '    raw_document: bool',
    '    request_type: type[Message]',
    '    response_type: type[Message]',
    '',
    '',
    'HOOK_CONTRACTS: tuple[HookContract, ...] = (',
  ];
  for (const c of contracts) {
    lines.push(
      `    HookContract("${c.name}", "${c.rpc}", "${snake(c.rpc)}", pb.${c.protoEnum}, pb.${c.combine},`,
      `                 pb.${c.defaultFailurePolicy}, ${c.defaultTimeoutMs}, "${c.documentField}", "${c.replyField}", ${c.rawDocument ? 'True' : 'False'},`,
      `                 pb.${c.requestType}, pb.${c.responseType}),`,
    );
  }
  lines.push(')', '');
  return lines.join('\n');
}

function write(path, text) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const contracts = readContracts(loadProto());
  write('src/host/generated/hook-contracts.ts', typescript(contracts, false) + hostIo(contracts));
  write('plugin-sdk/node/src/generated/hook-contracts.ts', typescript(contracts, true));
  const goFile = 'plugin-sdk/go/hookd/hook_contracts_gen.go';
  write(goFile, go(contracts));
  execFileSync('gofmt', ['-w', join(root, goFile)], { stdio: 'inherit' });
  write('plugin-sdk/python/src/hookd_plugin/hook_contracts_gen.py', python(contracts));
}
