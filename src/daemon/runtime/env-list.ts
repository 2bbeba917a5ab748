// Container env lists ("KEY=value" strings, Docker's and OCI's form) for node's spawn, which
// takes an object. An entry without "=" is a variable set to the empty string, as in Docker.

const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function envListToRecord(env: string[]): Record<string, string> {
  return Object.fromEntries(env.map((entry) => {
    const eq = entry.indexOf('=');
    return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
  }));
}

/**
 * The process runtime runs host binaries, looked up on the child's PATH: keep the container's
 * PATH when it sets one, otherwise lend it the daemon's.
 */
export function withHostPath(env: string[]): string[] {
  return env.some((entry) => entry.startsWith('PATH=')) ? env : [...env, `PATH=${process.env.PATH ?? FALLBACK_PATH}`];
}
