// The Dockerfile HEALTHCHECK instruction, as `docker import --change` and `docker commit --change`
// take it: `HEALTHCHECK NONE`, or `HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D]
// [--start-interval=D] [--retries=N] CMD command`, where the command is a JSON array (exec form,
// Test ["CMD", ...]) or text (shell form, Test ["CMD-SHELL", text]), and D a Go duration
// ("30s", "1m30s", "500ms"). Returns Docker's Healthcheck config (durations in nanoseconds).

import type { HealthcheckConfig } from './health-config.ts';

const FLAGS: Record<string, keyof Omit<HealthcheckConfig, 'Test'>> = {
  interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval', retries: 'Retries',
};

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Throws an Error whose message says what is wrong; the caller names the change. */
export function parseHealthcheckInstruction(rest: string): HealthcheckConfig {
  let text = rest.trim();
  const config: HealthcheckConfig = {};
  for (let flag = /^--([a-z-]+)=(\S+)\s*/.exec(text); flag; flag = /^--([a-z-]+)=(\S+)\s*/.exec(text)) {
    const field = FLAGS[flag[1]!];
    if (!field) throw new Error(`unknown flag --${flag[1]} (use ${Object.keys(FLAGS).map((f) => `--${f}`).join(', ')})`);
    config[field] = field === 'Retries' ? parseRetries(flag[2]!) : parseGoDuration(flag[2]!, `--${flag[1]}`);
    text = text.slice(flag[0].length);
  }
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text);
  const kind = match?.[1]?.toUpperCase();
  if (kind === 'NONE') {
    if (match![2]!.trim() !== '' || Object.keys(config).length > 0) throw new Error('NONE takes no arguments or flags');
    return { Test: ['NONE'] };
  }
  if (kind !== 'CMD') throw new Error('needs CMD followed by a command, or NONE');
  const command = match![2]!.trim();
  if (command === '') throw new Error('CMD needs a command');
  return { Test: execForm(command) ?? ['CMD-SHELL', command], ...config };
}

/** ["CMD", ...args] for a JSON array of strings; undefined for the shell form (as Docker, a bad array is shell text). */
function execForm(command: string): string[] | undefined {
  if (!command.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(command);
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((item) => typeof item === 'string')) return ['CMD', ...parsed];
  } catch {
    // Not JSON: the shell form, like Docker's parser.
  }
  return undefined;
}

function parseRetries(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`--retries must be a non-negative integer, got "${text}"`);
  return Number(text);
}

/** Go's time.ParseDuration for non-negative values: "1h2m3.5s", "250ms", "0". */
export function parseGoDuration(text: string, flag: string): number {
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(text); m; m = part.exec(text)) {
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) throw new Error(`${flag} must be a duration like 30s, 1m30s or 500ms, got "${text}"`);
  return Math.round(total);
}
