// Docker's JSON progress stream, one object per line, as `docker pull` renders it: lines with an
// "id" are per-layer rows (the CLI redraws a row when its id repeats), lines without one are
// printed as they come, and {"errorDetail": {...}, "error": "..."} ends the stream with a failure.

import type { Writable } from 'node:stream';

export interface ProgressSink {
  /** A status line, or a row for `id` (a short layer digest or the tag). */
  status(status: string, id?: string): void;
  bar(status: 'Downloading' | 'Extracting', id: string, current: number, total: number | undefined): void;
  error(message: string): void;
}

const BAR_WIDTH = 50;

export class JsonProgressStream implements ProgressSink {
  readonly #out: Writable;

  constructor(out: Writable) {
    this.#out = out;
  }

  status(status: string, id?: string): void {
    this.#write(id === undefined ? { status } : { status, progressDetail: {}, id });
  }

  bar(status: 'Downloading' | 'Extracting', id: string, current: number, total: number | undefined): void {
    this.#write({ status, progressDetail: total === undefined ? { current } : { current, total }, progress: renderBar(current, total), id });
  }

  error(message: string): void {
    this.#write({ errorDetail: { message }, error: message });
  }

  #write(line: object): void {
    if (!this.#out.writableEnded && !this.#out.destroyed) this.#out.write(`${JSON.stringify(line)}\r\n`);
  }
}

/** Discards everything: for pulls without a client watching (CRI). */
export const SILENT_PROGRESS: ProgressSink = { status: () => undefined, bar: () => undefined, error: () => undefined };

/** "[=====>      ]  1.2MB/3.4MB", as Docker draws it. */
export function renderBar(current: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return humanSize(current);
  const filled = Math.min(BAR_WIDTH, Math.floor((current / total) * BAR_WIDTH));
  const arrow = filled < BAR_WIDTH ? '>' : '';
  return `[${'='.repeat(Math.max(0, filled - (arrow ? 1 : 0)))}${arrow}${' '.repeat(BAR_WIDTH - filled)}] ${humanSize(current)}/${humanSize(total)}`;
}

function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 3 : value < 100 ? 2 : 1)}${units[unit]}`;
}
