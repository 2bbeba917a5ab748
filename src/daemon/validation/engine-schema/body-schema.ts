// Request bodies checked against the Docker Engine API's own types (engine-api.json, generated
// from Docker's swagger definition by scripts/generate-engine-schema.mjs), so a wrongly-typed
// field is a 400 naming the field, as dockerd's JSON decoder answers, instead of a value that
// hookd silently accepts or trips over later. The schema checks types only: what values mean
// (a restart policy name, a mount type) stays with the handlers.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import engineApi from './engine-api.json' with { type: 'json' };
import { badRequest } from '../../errors.ts';

export type EngineBody = keyof typeof engineApi.bodies;

const compiled = new Map<EngineBody, ValidateFunction>();
let ajv: Ajv | undefined;

function validatorFor(body: EngineBody): ValidateFunction {
  let validate = compiled.get(body);
  if (!validate) {
    // strict: false because swagger carries keywords JSON Schema does not know; the generator
    // already dropped them, this keeps a future regeneration from failing at start-up.
    ajv ??= new Ajv({ strict: false, allErrors: false });
    validate = ajv.compile({ ...engineApi.bodies[body], definitions: engineApi.definitions });
    compiled.set(body, validate);
  }
  return validate;
}

/**
 * Throws a 400 naming the first field whose type is not the Engine API's, e.g.
 * `create config: HostConfig.Memory must be an integer, got the string "1g"`.
 */
export function checkEngineBody(body: EngineBody, value: unknown, what: string): void {
  const validate = validatorFor(body);
  if (validate(value)) return;
  const error = validate.errors?.[0];
  if (!error) throw badRequest(`${what}: does not match the Docker Engine API's ${body} body`);
  throw badRequest(`${what}: ${describeSchemaError(error, value)}`);
}

export function describeSchemaError(error: ErrorObject, root: unknown): string {
  const field = fieldName(error.instancePath);
  const actual = describeValue(valueAt(root, error.instancePath));
  const subject = field === '' ? 'the body' : field;
  switch (error.keyword) {
    case 'type': {
      const wanted = ([] as string[]).concat(error.params.type as string | string[]).filter((type) => type !== 'null');
      return `${subject} must be ${wanted.map(article).join(' or ')}, got ${actual} (Docker Engine API type)`;
    }
    case 'minimum':
    case 'maximum':
      return `${subject} must be ${error.keyword === 'minimum' ? '>=' : '<='} ${String(error.params.limit)}, got ${actual}`;
    default:
      return `${subject} ${error.message ?? 'is invalid'}, got ${actual}`;
  }
}

/** "/HostConfig/Mounts/0/Target" → "HostConfig.Mounts[0].Target". */
function fieldName(pointer: string): string {
  return pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name === '' ? part : `${name}.${part}`), '');
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const part of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return `the ${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

function article(type: string): string {
  return { object: 'an object', array: 'an array', integer: 'an integer' }[type] ?? `a ${type}`;
}
