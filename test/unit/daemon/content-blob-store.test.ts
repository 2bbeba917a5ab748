import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { BlobStore } from '../../../src/daemon/content/blob-store.ts';

let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), 'hookd-blobs-'))));
after(() => rm(dir, { recursive: true, force: true }));

const digestOf = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

test('keeps a blob only when its bytes hash to its digest; a mismatch leaves nothing behind', async () => {
  const store = await BlobStore.open(join(dir, 'a'));
  const good = Buffer.from('layer bytes');
  assert.equal(await store.ingest(digestOf(good), good.length, async () => Readable.from([good])), 'downloaded');
  assert.deepEqual(await store.read(digestOf(good)), good);
  const claimed = digestOf(Buffer.from('something else'));
  await assert.rejects(store.ingest(claimed, undefined, async () => Readable.from([good])), (error: Error & { code?: string }) => error.code === 'ERR_REGISTRY_DIGEST_MISMATCH');
  assert.equal(await store.has(claimed), false);
  assert.deepEqual(await readdir(join(dir, 'a', 'ingest')), []);
});

test('an interrupted download leaves no blob, and a later ingest downloads it whole', async () => {
  const store = await BlobStore.open(join(dir, 'b'));
  const bytes = Buffer.alloc(256 * 1024, 7);
  const broken = async (): Promise<Readable> => new Readable({
    read() {
      this.push(bytes.subarray(0, 1024));
      this.destroy(new Error('connection reset'));
    },
  });
  await assert.rejects(store.ingest(digestOf(bytes), bytes.length, broken), /connection reset/);
  assert.equal(await store.has(digestOf(bytes)), false);
  assert.equal(await store.ingest(digestOf(bytes), bytes.length, async () => Readable.from([bytes])), 'downloaded');
  assert.equal(await store.ingest(digestOf(bytes), bytes.length, async () => assert.fail('present: must not download')), 'present');
});

test('two concurrent ingests of one digest open one stream', async () => {
  const store = await BlobStore.open(join(dir, 'c'));
  const bytes = Buffer.from('shared');
  let opened = 0;
  const open = async (): Promise<Readable> => {
    opened += 1;
    return Readable.from([bytes]);
  };
  const outcomes = await Promise.all([store.ingest(digestOf(bytes), undefined, open), store.ingest(digestOf(bytes), undefined, open)]);
  assert.equal(opened, 1);
  assert.deepEqual(outcomes.sort(), ['downloaded', 'shared']);
});

test('open() discards what a crash left in ingest/ (never trusted)', async () => {
  const root = join(dir, 'd');
  await BlobStore.open(root);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(root, 'ingest', 'partial'), 'half a layer');
  await BlobStore.open(root);
  assert.deepEqual(await readdir(join(root, 'ingest')), []);
});
