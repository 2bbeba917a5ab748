import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';

import { pino } from 'pino';

import { forwardOutput, parseJsonLine } from '../../../src/host/log-forward.ts';

function capture() {
  const records: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), records };
}

async function forward(chunks: Array<string | Buffer>, options: Parameters<typeof forwardOutput>[3]) {
  const { logger, records } = capture();
  const stream = new PassThrough();
  const forwarder = forwardOutput(stream, logger, 'p', options);
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  return { records, tail: forwarder.tail() };
}

describe('forwardOutput', () => {
  it('logs plain stdout lines as info and stderr lines as warn, under the plugin and stream', async () => {
    const out = await forward(['one\ntw', 'o\n'], { stream: 'stdout' });
    assert.deepEqual(out.records.map((r) => [r.level, r.plugin, r.stream, r.msg]), [[30, 'p', 'stdout', 'one'], [30, 'p', 'stdout', 'two']]);
    const err = await forward(['oops\r\n'], { stream: 'stderr' });
    assert.deepEqual(err.records.map((r) => [r.level, r.stream, r.msg]), [[40, 'stderr', 'oops']]);
  });

  it('keeps the level and fields of JSON lines', async () => {
    const out = await forward([`${JSON.stringify({ level: 50, msg: 'bad', requestId: 'r1', time: 1 })}\n{"level":"debug","message":"fine"}\n`], { stream: 'stdout' });
    assert.deepEqual(out.records.map((r) => [r.level, r.msg, r.requestId]), [[50, 'bad', 'r1'], [20, 'fine', undefined]]);
  });

  it('names a JSON line by the manifest name once, even when the plugin names itself', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString('utf8')); done(); } });
    const stream = new PassThrough();
    forwardOutput(stream, pino({ level: 'info' }, sink), 'p', { stream: 'stderr' });
    stream.end(`${JSON.stringify({ level: 'info', msg: 'hi', plugin: 'self-name', stream: 'x' })}\n`);
    await new Promise((resolve) => stream.on('end', resolve));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.match(/"plugin":/g)?.length, 1, lines[0]);
    assert.equal((JSON.parse(lines[0]!) as Record<string, unknown>).plugin, 'p');
  });

  it('cuts long lines and marks them truncated', async () => {
    const out = await forward([`${'x'.repeat(50)}\nshort\n`], { stream: 'stdout', maxLineChars: 10 });
    assert.deepEqual(out.records.map((r) => [r.msg, r.truncated]), [['x'.repeat(10), true], ['short', undefined]]);
  });

  it('logs a final line that has no newline', async () => {
    const out = await forward(['last words'], { stream: 'stderr' });
    assert.deepEqual(out.records.map((r) => r.msg), ['last words']);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('héllo\n');
    const out = await forward([bytes.subarray(0, 2), bytes.subarray(2)], { stream: 'stdout' });
    assert.equal(out.records[0]?.msg, 'héllo');
  });

  it('rate-limits a flood and says how many lines it dropped', async () => {
    const lines = Array.from({ length: 50 }, (_, index) => `line ${index}\n`);
    const out = await forward([lines.slice(0, 25).join(''), lines.slice(25).join('')], { stream: 'stderr', maxLinesPerSecond: 5, now: () => 0 });
    const logged = out.records.filter((r) => r.droppedLines === undefined);
    assert.equal(logged.length, 5);
    assert.equal(out.records.at(-1)?.droppedLines, 45);
    assert.equal(out.tail.split(' | ').at(-1), 'line 49', 'the tail still shows the latest line');
  });

  it('keeps the last few lines as a tail for error messages', async () => {
    const out = await forward(['a\nb\nc\nd\n'], { stream: 'stderr', tailLines: 2 });
    assert.equal(out.tail, 'c | d');
  });
});

describe('parseJsonLine', () => {
  it('accepts pino numeric levels and level names, and rejects other JSON', () => {
    assert.equal(parseJsonLine('{"level":35,"msg":"m"}')?.level, 'info');
    assert.equal(parseJsonLine('{"level":"WARNING","msg":"m"}')?.level, 'warn');
    assert.equal(parseJsonLine('{"msg":"no level"}'), undefined);
    assert.equal(parseJsonLine('[1]'), undefined);
    assert.equal(parseJsonLine('{broken'), undefined);
  });
});
