// `docker import --change` instructions applied to an image config, in Docker's syntax: CMD,
// ENTRYPOINT and VOLUME take a JSON array or the shell form; ENV and LABEL take key=value pairs
// (quoted values allowed; ENV also the legacy "ENV key value"); EXPOSE takes ports, protocols and
// ranges; WORKDIR, USER, STOPSIGNAL a word; HEALTHCHECK as in a Dockerfile (health-instruction.ts).
// Pure: returns a new config.

import type { ImageConfig } from './image-store.ts';
import { ImageError } from './image-errors.ts';
import { parseHealthcheckInstruction } from '../containers/health-instruction.ts';

type Apply = (config: ImageConfig, rest: string, change: string) => void;

const INSTRUCTIONS: Record<string, Apply> = {
  CMD: (config, rest, change) => (config.Cmd = commandForm(rest, change)),
  ENTRYPOINT: (config, rest, change) => (config.Entrypoint = commandForm(rest, change)),
  ENV: (config, rest, change) => {
    const env = [...(config.Env ?? [])];
    for (const [key, value] of keyValues(rest, change, true)) {
      const index = env.findIndex((entry) => entry.split('=', 1)[0] === key);
      if (index === -1) env.push(`${key}=${value}`);
      else env[index] = `${key}=${value}`;
    }
    config.Env = env;
  },
  LABEL: (config, rest, change) => {
    config.Labels = { ...config.Labels, ...Object.fromEntries(keyValues(rest, change, false)) };
  },
  WORKDIR: (config, rest, change) => {
    const dir = single(rest, change);
    config.WorkingDir = dir.startsWith('/') ? dir : `${(config.WorkingDir ?? '/').replace(/\/$/, '')}/${dir}`;
  },
  USER: (config, rest, change) => (config.User = single(rest, change)),
  STOPSIGNAL: (config, rest, change) => (config.StopSignal = single(rest, change)),
  HEALTHCHECK: (config, rest, change) => {
    try {
      config.Healthcheck = parseHealthcheckInstruction(rest);
    } catch (error) {
      throw bad(change, `HEALTHCHECK ${(error as Error).message}`);
    }
  },
  EXPOSE: (config, rest, change) => {
    const ports = { ...config.ExposedPorts };
    for (const word of splitWords(rest, change)) for (const port of expandPort(word, change)) ports[port] = {};
    config.ExposedPorts = ports;
  },
  VOLUME: (config, rest, change) => {
    const paths = rest.trimStart().startsWith('[') ? jsonStrings(rest, change) : splitWords(rest, change);
    if (paths.length === 0) throw bad(change, 'VOLUME needs at least one path');
    config.Volumes = { ...config.Volumes, ...Object.fromEntries(paths.map((path) => [path, {}])) };
  },
};

export function applyChanges(base: ImageConfig, changes: string[]): ImageConfig {
  const config: ImageConfig = structuredClone(base);
  for (const change of changes) {
    const trimmed = change.trim();
    if (trimmed === '') continue;
    const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed)!;
    const instruction = match[1]!.toUpperCase();
    const apply = INSTRUCTIONS[instruction];
    if (!apply) {
      throw bad(change, `${instruction} is not a valid change command (use one of ${Object.keys(INSTRUCTIONS).join(', ')})`);
    }
    apply(config, match[2] ?? '', change);
  }
  return config;
}

/** JSON array form (exec form) as is; anything else runs through /bin/sh -c, as Docker does. */
function commandForm(rest: string, change: string): string[] {
  const text = rest.trim();
  if (text === '') throw bad(change, 'needs a command');
  if (text.startsWith('[')) {
    try {
      return jsonStrings(text, change);
    } catch {
      // Docker treats a malformed JSON array as the shell form: `CMD [oops` runs that text.
    }
  }
  return ['/bin/sh', '-c', text];
}

function jsonStrings(text: string, change: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw bad(change, `not a JSON array: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw bad(change, 'the JSON form must be an array of strings');
  return parsed;
}

function keyValues(rest: string, change: string, allowLegacy: boolean): Array<[string, string]> {
  const words = splitWords(rest, change);
  if (words.length === 0) throw bad(change, 'needs key=value');
  const rawFirst = rest.trim().split(/\s+/, 1)[0] ?? '';
  if (allowLegacy && !rawFirst.includes('=')) {
    // Legacy "ENV key value with spaces": the first word is the key, the rest the value.
    const value = rest.trim().slice(rawFirst.length).trim();
    if (value === '') throw bad(change, `ENV ${rawFirst} needs a value`);
    return [[rawFirst, splitWords(value, change).join(' ')]];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq <= 0) throw bad(change, `"${word}" is not key=value`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

function single(rest: string, change: string): string {
  const words = splitWords(rest, change);
  if (words.length !== 1) throw bad(change, 'needs exactly one argument');
  return words[0]!;
}

/** "80", "80/udp", "8000-8002/tcp" → ["80/tcp"], ["80/udp"], ["8000/tcp","8001/tcp","8002/tcp"]. */
function expandPort(word: string, change: string): string[] {
  const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
  if (!match) throw bad(change, `invalid port "${word}"`);
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  const protocol = (match[3] ?? 'tcp').toLowerCase();
  if (start < 1 || end > 65535 || end < start) throw bad(change, `invalid port range "${word}"`);
  return Array.from({ length: end - start + 1 }, (_, i) => `${start + i}/${protocol}`);
}

/**
 * Shell-like word splitting: whitespace separates, "double quotes" allow \" and \\ escapes,
 * 'single quotes' are literal, a backslash outside quotes escapes the next character.
 */
export function splitWords(text: string, change = text): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '\\' && i + 1 < text.length) word += text[++i];
    else if (ch === "'" || ch === '"') {
      const close = findClosingQuote(text, i, ch);
      if (close === -1) throw bad(change, `unterminated ${ch} quote`);
      const inner = text.slice(i + 1, close);
      word += ch === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
      i = close;
    } else word += ch;
  }
  if (inWord) words.push(word);
  return words;
}

function findClosingQuote(text: string, open: number, quote: string): number {
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function bad(change: string, reason: string): ImageError {
  return new ImageError('ERR_IMAGE_BAD_CHANGE', `invalid change "${change.trim()}": ${reason}`);
}
