// Image routes over the socket: import and load stream the tarball to the image store and answer
// Docker's JSON progress stream; tag, inspect, list and remove; each change is an event.

import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createDaemon, type Daemon } from '../../../src/daemon/daemon.ts';
import type { ImageRecord, ImportOptions } from '../../../src/daemon/images/image-store.ts';
import type { DaemonEvent } from '../../../src/daemon/events.ts';
import { call, tempSocketPath } from './api-http.ts';
import { FakeImageStore, FakeInvoker, FakeRuntime, makeDataRoot, MemoryStore, silentLogger } from './containers-fakes.ts';

class StreamingImageStore extends FakeImageStore {
  readonly received: Array<{ bytes: number; options?: ImportOptions }> = [];

  override async importRootfs(tarball: Readable, options: ImportOptions): Promise<ImageRecord> {
    let bytes = 0;
    for await (const chunk of tarball) bytes += (chunk as Buffer).length;
    this.received.push({ bytes, options });
    const image = { ...this.images[0]!, Id: `sha256:${'1'.repeat(64)}`, RepoTags: options.repoTag ? [options.repoTag] : [] };
    this.images.push(image);
    return image;
  }

  override async load(tarball: Readable): Promise<ImageRecord[]> {
    let bytes = 0;
    for await (const chunk of tarball) bytes += (chunk as Buffer).length;
    this.received.push({ bytes });
    return [{ ...this.images[0]!, RepoTags: ['loaded:1'] }, { ...this.images[0]!, Id: `sha256:${'2'.repeat(64)}`, RepoTags: [] }];
  }

  override async tag(reference: string, repoTag: string): Promise<void> {
    this.resolve(reference)?.RepoTags.push(repoTag);
  }

  override async remove(reference: string): Promise<{ untagged: string[]; deleted: string[] }> {
    return { untagged: [reference], deleted: [this.resolve(reference)?.Id ?? ''] };
  }
}

let daemon: Daemon;
let socketPath: string;
let images: StreamingImageStore;
const events: DaemonEvent[] = [];

before(async () => {
  const dataRoot = await makeDataRoot();
  socketPath = await tempSocketPath();
  images = new StreamingImageStore(dataRoot);
  daemon = createDaemon({
    config: { dataRoot, listen: { socketPath }, bodyLimitBytes: 1024 }, invoker: new FakeInvoker(), runtime: new FakeRuntime(), images,
    stores: { containers: new MemoryStore(), volumes: new MemoryStore() }, logger: silentLogger,
  });
  daemon.events.subscribe((event) => events.push(event));
  await daemon.listen();
});
after(() => daemon.close());

test('import streams a body larger than the JSON limit to the store and answers the image id', async () => {
  const tarball = Buffer.alloc(64 * 1024, 1);
  const answer = await call(socketPath, 'POST', '/v1.43/images/create?fromSrc=-&repo=mine&tag=v1&changes=CMD%20%5B%22sh%22%5D', tarball, { 'Content-Type': 'application/x-tar' });
  assert.equal(answer.status, 200);
  assert.deepEqual(JSON.parse(answer.body.toString().trim()), { status: `sha256:${'1'.repeat(64)}` });
  assert.deepEqual(images.received[0], { bytes: tarball.length, options: { repoTag: 'mine:v1', changes: ['CMD ["sh"]'], message: '' } });
  assert.equal(events.at(-1)?.Action, 'import');
});

test('a daemon without a content store refuses a pull, saying what to do instead', async () => {
  const answer = await call(socketPath, 'POST', '/images/create?fromImage=alpine&tag=latest');
  assert.equal(answer.status, 400);
  assert.match((answer.json() as { message: string }).message, /no content store.*cannot pull alpine.*docker import.*docker load/);
});

test('load answers one "Loaded image" line per tag, or the id of an untagged image', async () => {
  const answer = await call(socketPath, 'POST', '/images/load', Buffer.alloc(10), { 'Content-Type': 'application/x-tar' });
  const lines = answer.body.toString().trim().split('\n').map((line) => JSON.parse(line) as { stream: string });
  assert.deepEqual(lines.map((l) => l.stream), ['Loaded image: loaded:1\n', `Loaded image ID: sha256:${'2'.repeat(64)}\n`]);
});

test('tag, inspect, list and remove', async () => {
  assert.equal((await call(socketPath, 'POST', '/images/busybox/tag?repo=registry.local/team/box&tag=2')).status, 201);
  const inspect = await call(socketPath, 'GET', '/images/registry.local/team/box:2/json');
  assert.equal(inspect.status, 200);
  assert.equal((inspect.json() as { rootfsDir?: string }).rootfsDir, undefined);
  const list = (await call(socketPath, 'GET', '/images/json')).json() as Array<{ RepoTags: string[] }>;
  assert.ok(list.some((image) => image.RepoTags.includes('registry.local/team/box:2')));
  const removed = await call(socketPath, 'DELETE', '/images/busybox');
  assert.deepEqual(removed.json(), [{ Untagged: 'busybox' }, { Deleted: images.images[0]!.Id }]);
  assert.deepEqual(events.slice(-3).map((e) => e.Action), ['tag', 'untag', 'delete']);
  assert.equal((await call(socketPath, 'GET', '/images/nope/json')).status, 404);
});
