// The resize routes' shared part: Docker's `h`/`w` query (rows and columns, whole numbers, both
// required as in Docker), applied to a tty process's terminal (runtime/terminal-size.ts).

import type { Logger } from 'pino';
import { resizeTerminal, type TerminalSize } from '../runtime/terminal-size.ts';
import { badRequest } from './errors.ts';

export function parseTerminalSize(query: URLSearchParams): TerminalSize {
  const dimension = (name: 'h' | 'w'): number => {
    const raw = query.get(name) ?? '';
    const value = Number(raw);
    if (raw === '' || !Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw badRequest(`invalid ${name} parameter: ${JSON.stringify(raw)}; send the terminal's ${name === 'h' ? 'rows' : 'columns'} as a whole number`);
    }
    return value;
  };
  return { rows: dimension('h'), cols: dimension('w') };
}

/**
 * Best effort, as the docker CLI treats it (it ignores a failed resize): a process that exited
 * meanwhile, or a terminal that is gone, leaves nothing to resize and is logged at debug level.
 */
export async function applyTerminalSize(pid: number, size: TerminalSize, logger: Logger, subject: Record<string, string>): Promise<void> {
  if (!(await resizeTerminal(pid, size))) logger.debug({ ...subject, pid, ...size }, 'resize: no terminal found to resize (the process may have exited)');
}
