// Docker's resize (POST /containers/{id}/resize and /exec/{id}/resize, h = rows, w = cols) applied
// to a tty process's pseudo-terminal. Node has no ioctl, so stty(1) sets the size, on the
// terminal reopened through /proc/<pid>/fd/<n> (which works across mount namespaces, so for runc
// containers too). The kernel then sends SIGWINCH to the terminal's foreground process group, as
// a real terminal would.
//
// The terminal is found from a pid, searching its descendants too: a container's pid holds its
// pty directly; an exec session's pid is script(1)'s, whose stdio are pipes, and below it is
// either the command (process runtime) or `runc exec` on script's pty, which copies the new size
// to the container's pty on SIGWINCH (runc runtime).

import { readdir, readFile, readlink } from 'node:fs/promises';
import { execa } from 'execa';

export interface TerminalSize {
  rows: number;
  cols: number;
}

/** Processes looked at below the pid before giving up: a tty session's tree is two or three deep. */
const MAX_PROCESSES_SEARCHED = 64;

/**
 * Sets the size of the first pseudo-terminal found on fd 0, 1 or 2 of pid or its descendants
 * (breadth first). Resolves false when there is none (no tty, or the process is gone).
 */
export async function resizeTerminal(pid: number, size: TerminalSize): Promise<boolean> {
  const queue = [pid];
  for (let searched = 0; searched < MAX_PROCESSES_SEARCHED && queue.length > 0; searched++) {
    const current = queue.shift()!;
    const terminal = await terminalFdOf(current);
    if (terminal !== undefined) {
      const result = await execa('stty', ['-F', terminal, 'rows', String(size.rows), 'cols', String(size.cols)], { reject: false, stdin: 'ignore' });
      return result.exitCode === 0;
    }
    queue.push(...(await childrenOf(current)));
  }
  return false;
}

async function terminalFdOf(pid: number): Promise<string | undefined> {
  for (const fd of [0, 1, 2]) {
    const path = `/proc/${pid}/fd/${fd}`;
    const target = await readlink(path).catch(() => '');
    if (target.startsWith('/dev/pts/')) return path;
  }
  return undefined;
}

/** Every thread's children: a Go program such as runc forks from any of its threads. */
async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(tasks.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '')));
  return lists.flatMap((list) => list.split(' ').filter(Boolean).map(Number));
}
