import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStore } from '../../../src/daemon/store/json-store.ts';

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-store-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('put, load, overwrite and delete round-trip records through disk', () =>
  withDir(async (dir) => {
    const store = new JsonStore<{ name: string }>(dir);
    await store.put('a', { name: 'first' });
    await store.put('b/with:odd chars', { name: 'second' });
    await store.put('a', { name: 'replaced' });
    const fresh = await new JsonStore<{ name: string }>(dir).load();
    assert.deepEqual(Object.fromEntries(fresh.records), { a: { name: 'replaced' }, 'b/with:odd chars': { name: 'second' } });
    assert.deepEqual(fresh.corrupt, []);
    await store.delete('a');
    await store.delete('a'); // idempotent
    const after = await new JsonStore<{ name: string }>(dir).load();
    assert.deepEqual([...after.records.keys()], ['b/with:odd chars']);
  }));

test('concurrent puts to one id leave the last one called on disk', () =>
  withDir(async (dir) => {
    const store = new JsonStore<number>(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put('n', i)));
    const { records } = await store.load();
    assert.equal(records.get('n'), 19);
  }));

test('a leftover temp file from a crash is ignored and removed at load', () =>
  withDir(async (dir) => {
    const store = new JsonStore<{ v: number }>(dir);
    await store.put('c', { v: 1 });
    // A crash after writing the temp file but before rename leaves this behind (half-written).
    await writeFile(join(dir, '.tmp-c.json-deadbeef'), '{"v": 2, "trunc');
    const { records, corrupt } = await store.load();
    assert.deepEqual(records.get('c'), { v: 1 });
    assert.deepEqual(corrupt, []);
    assert.deepEqual(await readdir(dir), ['c.json']);
  }));

test('a corrupt record is reported with its file and reason, and the others still load', () =>
  withDir(async (dir) => {
    const store = new JsonStore<{ v: number }>(dir);
    await store.put('good', { v: 1 });
    await writeFile(join(dir, 'bad.json'), '{not json');
    const { records, corrupt } = await store.load();
    assert.deepEqual(Object.fromEntries(records), { good: { v: 1 } });
    assert.equal(corrupt.length, 1);
    assert.equal(corrupt[0]?.file, join(dir, 'bad.json'));
    assert.match(corrupt[0]?.reason ?? '', /JSON/);
    await store.put('bad', { v: 2 }); // the next put repairs it
    assert.deepEqual((await store.load()).corrupt, []);
  }));
