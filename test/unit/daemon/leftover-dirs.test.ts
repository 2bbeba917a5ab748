// At daemon start, container directories that no record owns (a create or removal cut short by a
// crash) are removed; recorded ones and stray files are left alone.

import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { removeUnrecordedContainerDirs } from '../../../src/daemon/containers/leftover-dirs.ts';
import { tempDirRemovedAtExit } from '../../fixtures/temp-dir.ts';

const logger = { info: () => undefined, warn: () => undefined };

test('removes the container directories no record owns, and only those', async () => {
  const root = join(tempDirRemovedAtExit('hookd-leftover-'), 'containers');
  for (const id of ['kept', 'half-made']) await mkdir(join(root, id, 'runtime'), { recursive: true });
  await writeFile(join(root, 'half-made', 'runtime', 'monitor.json'), '{}');
  await writeFile(join(root, 'not-a-dir'), '');
  const removed = await removeUnrecordedContainerDirs(root, new Set(['kept']), logger);
  assert.deepEqual(removed, ['half-made']);
  assert.deepEqual((await readdir(root)).sort(), ['kept', 'not-a-dir']);
});

test('a missing containers directory is nothing to do', async () => {
  const root = join(tempDirRemovedAtExit('hookd-leftover-'), 'absent');
  assert.deepEqual(await removeUnrecordedContainerDirs(root, new Set(), logger), []);
});
