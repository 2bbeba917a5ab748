// The plugin through the SDK's in-process harness: admission by label, extra snapshotters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestHarness } from '@hookd/plugin-sdk/testing';
import { pullPolicyPlugin } from '../src/plugin.ts';

const image = (labels: Record<string, string>) => ({ Id: 'sha256:abc', Config: { Labels: labels }, RootFS: { Layers: ['sha256:1', 'sha256:2'] }, RepoDigests: ['app@sha256:def'] });

test('admits an image with the required labels and names the extra snapshotters other than the one used', async () => {
  const harness = createTestHarness(pullPolicyPlugin, { config: { requiredLabels: ['team'], extraSnapshotters: ['copy', 'overlayfs'] } });
  const reply = await harness.imagePostPull({ imageRef: 'app:1', imageId: 'sha256:abc', snapshotter: 'overlayfs', image: image({ team: 'infra' }) });
  assert.deepEqual(reply, ['copy']);
});

test('fails the pull of an image without a required label, naming the label', async () => {
  const harness = createTestHarness(pullPolicyPlugin, { config: { requiredLabels: ['team', 'owner'] } });
  await assert.rejects(harness.imagePostPull({ imageRef: 'app:1', imageId: 'sha256:abc', snapshotter: 'overlayfs', image: image({ team: 'infra' }) }), /lacks the required label\(s\) owner/);
});
