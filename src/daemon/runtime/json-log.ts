// Writes a container's output in Docker's json-file format: one JSON object a line,
// {"log": "<line with its \n>", "stream": "stdout"|"stderr", "time": RFC 3339}. A line is written
// whole or not at all, so stdout and stderr interleave by line. Like Docker, a line longer than
// MAX_LINE_CHARS is cut into several entries, and a last line without a newline is still logged.

import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

const MAX_LINE_CHARS = 16 * 1024;

export class JsonLogWriter {
  readonly #out: WriteStream;

  constructor(logPath: string) {
    this.#out = createWriteStream(logPath, { flags: 'a', mode: 0o640 });
    // A full disk must not crash the shim (the process would lose its exit file): report, go on.
    this.#out.on('error', (error) => console.error(`log ${logPath}: ${error.message}`));
  }

  /** Copies `input` into the log; resolves when it ends. */
  attach(input: Readable, stream: 'stdout' | 'stderr'): Promise<void> {
    input.setEncoding('utf8'); // decodes across chunk boundaries, so no character is split
    let pending = '';
    return new Promise((resolve) => {
      input.on('data', (chunk: string) => {
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf('\n')) !== -1) {
          this.#writeEntry(pending.slice(0, newline + 1), stream);
          pending = pending.slice(newline + 1);
        }
        while (pending.length >= MAX_LINE_CHARS) {
          this.#writeEntry(pending.slice(0, MAX_LINE_CHARS), stream);
          pending = pending.slice(MAX_LINE_CHARS);
        }
      });
      const finish = (): void => {
        if (pending !== '') this.#writeEntry(pending, stream);
        pending = '';
        resolve();
      };
      input.once('end', finish);
      // A read error (the pipe torn down) ends this stream's log; the other stream continues.
      input.once('error', finish);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#out.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }

  #writeEntry(log: string, stream: 'stdout' | 'stderr'): void {
    this.#out.write(`${JSON.stringify({ log, stream, time: new Date().toISOString() })}\n`);
  }
}
