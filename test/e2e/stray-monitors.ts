// The e2e work dirs' last line of defence: conmon outlives the daemon by design (docs/daemon.md),
// so a test that fails before it removes its containers, or a daemon that is killed, leaves a
// monitor and its container running on the machine. makeWorkDir's remove() sweeps them: every
// conmon whose command line names a path inside the work dir (its --persist-dir, --socket-dir-path,
// --bundle) has its container deleted through the runtime conmon was given, then is killed.

import { readdir, readFile } from 'node:fs/promises';
import { execa } from 'execa';

interface StrayMonitor {
  pid: number;
  argv: string[];
}

async function conmonsUnder(dir: string): Promise<StrayMonitor[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const found: StrayMonitor[] = [];
  await Promise.all(entries.filter((entry) => /^\d+$/.test(entry)).map(async (entry) => {
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
    const isConmon = argv[0]?.endsWith('conmon') === true;
    if (isConmon && argv.some((arg) => arg.startsWith(`${dir}/`))) found.push({ pid: Number(entry), argv });
  }));
  return found;
}

/** Every value of a repeatable flag (`--runtime-arg x --runtime-arg y`). */
function flagValues(argv: string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag && i + 1 < argv.length ? [argv[i + 1]!] : []));
}

/**
 * Deletes the container of each conmon left under `dir` (`<runtime> <runtime args> delete --force
 * <cid>`, which kills its processes) and kills the conmon. Resolves with how many it found; prints
 * a line for each, since a sweep that finds something means a test did not clean up.
 */
export async function sweepStrayMonitors(dir: string): Promise<number> {
  const strays = await conmonsUnder(dir);
  for (const { pid, argv } of strays) {
    const [runtime] = flagValues(argv, '--runtime');
    const [cid] = flagValues(argv, '--cid');
    console.log(`# sweeping a stray conmon (pid ${pid}, container ${cid ?? 'unknown'}) under ${dir}`);
    if (runtime && cid) await execa(runtime, [...flagValues(argv, '--runtime-arg'), 'delete', '--force', cid], { reject: false });
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ESRCH: conmon already exited once its container was deleted, which is the usual case
    }
  }
  return strays.length;
}
