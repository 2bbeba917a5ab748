// Signal names as Docker clients send them: "SIGTERM", "TERM", "15", "sigkill".

import { constants } from 'node:os';
import { badRequest } from '../errors.ts';

export function parseSignal(value: string): NodeJS.Signals {
  const text = value.trim().toUpperCase();
  const signals = constants.signals as Record<string, number>;
  if (/^\d+$/.test(text)) {
    const byNumber = Object.entries(signals).find(([, number]) => number === Number(text));
    if (byNumber) return byNumber[0] as NodeJS.Signals;
  } else {
    const name = text.startsWith('SIG') ? text : `SIG${text}`;
    if (name in signals) return name as NodeJS.Signals;
  }
  throw badRequest(`Invalid signal: ${value}`);
}
