// Resident memory of processes, from /proc (VmRSS), and the processes a benchmark counts.

import { readdir, readFile } from 'node:fs/promises';

export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) : 0;
}

export async function totalRssKiB(pids: number[]): Promise<number> {
  const values = await Promise.all(pids.map(rssKiB));
  return values.reduce((sum, value) => sum + value, 0);
}

/** Pids whose command line contains every one of `needles`. */
export async function pidsWithCmdline(needles: string[]): Promise<number[]> {
  const entries = await readdir('/proc');
  const pids: number[] = [];
  await Promise.all(entries.filter((entry) => /^\d+$/.test(entry)).map(async (entry) => {
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
    if (needles.every((needle) => cmdline.includes(needle))) pids.push(Number(entry));
  }));
  return pids;
}

/** `pid` and all its descendants. */
export async function processTree(pid: number): Promise<number[]> {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    const tasks = await readdir(`/proc/${tree[i]}/task`).catch(() => [] as string[]);
    for (const task of tasks) {
      const children = await readFile(`/proc/${tree[i]}/task/${task}/children`, 'utf8').catch(() => '');
      tree.push(...children.split(' ').filter(Boolean).map(Number));
    }
  }
  return tree;
}
