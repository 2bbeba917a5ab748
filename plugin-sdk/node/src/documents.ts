// The JSON-document convention of the protocol, from the plugin's side: a document arrives as
// UTF-8 JSON bytes; the reply is a JsonDocument that is left unset when the plugin did not change
// anything, or carries the whole document as the plugin wants it.
import { PluginRejection } from './errors.ts';
import type { JsonObject } from './container-config/types.ts';

export interface DecodedDocument<T> {
  value: T;
  /** The input re-serialized, to tell "changed" from "unchanged" after the handler ran. */
  canonical: string;
}

/**
 * Parses a JSON object sent by the host. Empty bytes count as {} (a host may send nothing for an
 * empty document); anything that is not a JSON object is refused, naming the field.
 */
export function decodeDocument<T extends JsonObject>(bytes: Buffer, field: string): DecodedDocument<T> {
  const text = bytes.length === 0 ? '{}' : bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PluginRejection(`request field ${field} is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PluginRejection(`request field ${field} must be a JSON object`);
  }
  return { value: value as T, canonical: JSON.stringify(value) };
}

/** Parses read-only JSON context (container, sandbox, image); {} when empty or not an object. */
export function decodeReadOnly<T extends JsonObject>(bytes: Buffer): T {
  if (bytes.length === 0) return {} as T;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}) as T;
  } catch {
    return {} as T; // read-only context the plugin cannot use anyway; the hook input is still valid
  }
}

/**
 * The JsonDocument to reply with: `returned` if the handler returned a document, else the
 * (possibly changed in place) input; unset when that equals the input.
 */
export function encodeDocumentReply(
  returned: unknown,
  input: DecodedDocument<JsonObject>,
  hook: string,
): { json: Buffer } | null {
  const document = returned === undefined || returned === null ? input.value : returned;
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new TypeError(`${hook} must return a JSON object (or nothing for "unchanged"), got ${Array.isArray(document) ? 'an array' : typeof document}`);
  }
  const text = JSON.stringify(document);
  return text === input.canonical ? null : { json: Buffer.from(text, 'utf8') };
}
