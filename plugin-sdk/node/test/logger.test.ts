import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../src/index.ts';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('quota', { ...(level ? { level } : {}), sink: (line) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

test('a log line is one JSON object with level, msg, time, plugin and the fields', () => {
  const { log, lines } = capture();
  log.child({ requestId: 'r1' }).warn('slow disk', { ms: 12 });
  assert.equal(lines.length, 1);
  const [line] = lines as [Record<string, unknown>];
  assert.deepEqual({ ...line, time: undefined }, { level: 'warn', msg: 'slow disk', time: undefined, plugin: 'quota', requestId: 'r1', ms: 12 });
  assert.ok(!Number.isNaN(Date.parse(String(line.time))));
});

test('lines below the chosen level are dropped', () => {
  const { log, lines } = capture('warn');
  log.debug('a');
  log.info('b');
  log.error('c');
  assert.deepEqual(lines.map((line) => line.msg), ['c']);
});

test('errors in fields are logged by name and message, not as {}', () => {
  const { log, lines } = capture();
  log.error('failed', { error: new RangeError('out of range') });
  assert.deepEqual(lines[0]?.error, { name: 'RangeError', message: 'out of range' });
});
