// The plugin in-process, through the SDK's harness (the same encoding as over the wire).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestHarness } from '@hookd/plugin-sdk/testing';
import { legacyEnvPlugin } from '../src/plugin.ts';

const harness = createTestHarness(legacyEnvPlugin, { config: { jvmCgroupCapabilities: ['SYS_ADMIN', 'SYS_RESOURCE'] } });

test('a config without legacy conventions is left unchanged', async () => {
  assert.equal(await harness.containerPreCreate({ Image: 'busybox', Env: ['A=1'], Labels: { team: 'x' } }), undefined);
});

test('every convention is applied and unknown fields reach the daemon untouched', async () => {
  const reply = await harness.containerPreCreate({
    Image: 'reg.example.com/app:1',
    Hostname: 'app-01',
    Env: ['ali_jvm_cgroup=true', 'ali_memory=512m'],
    Labels: {
      DiskQuota: '/mnt=10g;.*=100g',
      'annotation.com.example.team': 'infra',
      'pouch.SupportCgroup': 'true',
    },
    HostConfig: { CapAdd: ['NET_ADMIN'], NotYetInvented: { a: 1 } },
    SomeFutureField: [1, 2, 3],
  });
  assert.deepEqual(reply, {
    Image: 'reg.example.com/app:1',
    Hostname: 'app-01',
    Env: ['ali_jvm_cgroup=true', 'ali_memory=512m', 'HOSTNAME=app-01', 'pouchSupportCgroup=true'],
    Labels: {
      DiskQuota: '/mnt=10g;.*=100g',
      'annotation.com.example.team': 'infra',
      'pouch.SupportCgroup': 'true',
    },
    HostConfig: { CapAdd: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE'], NotYetInvented: { a: 1 }, Memory: 512 * 1024 * 1024 },
    SomeFutureField: [1, 2, 3],
    DiskQuota: { '/mnt': '10g', '.*': '100g' },
    SpecAnnotation: { 'com.example.team': 'infra' },
  });
});

test('explicit fields win over the legacy conventions, so such a config comes back unchanged', async () => {
  const reply = await harness.containerPreCreate({
    Image: 'busybox',
    Hostname: 'h',
    Env: ['HOSTNAME=explicit', 'ali_memory=1g'],
    Labels: { DiskQuota: '/mnt=10g', 'annotation.a': 'from-label' },
    DiskQuota: { '/mnt': '20g' },
    SpecAnnotation: { a: 'explicit' },
    HostConfig: { Memory: 2048 },
  });
  assert.equal(reply, undefined);
});

test('a bad disk quota label is refused with the entry and the expected form', async () => {
  await assert.rejects(harness.containerPreCreate({ Image: 'busybox', Labels: { DiskQuota: '/mnt=10g;.*=lots' } }), {
    code: 3,
    details: 'label DiskQuota="/mnt=10g;.*=lots": entry ".*=lots" has size "lots", which is not a size such as 512m, 10g or 1t; write it like "/mnt=10g;.*=100g"',
  });
  await assert.rejects(harness.containerPreCreate({ Image: 'busybox', Labels: { DiskQuota: '10g' } }), {
    code: 3, details: /entry "10g" is not "<path regexp>=<size>"/,
  });
});

test('a bad memory env is refused naming the variable', async () => {
  await assert.rejects(harness.containerPreCreate({ Image: 'busybox', Env: ['ali_memory=half'] }), {
    code: 3, details: 'env ali_memory="half" is not a memory size such as 512m or 2g',
  });
});

test('an unusable manifest config is refused at Configure', async () => {
  const fresh = createTestHarness(legacyEnvPlugin);
  await assert.rejects(fresh.configure({ jvmCgroupCapabilities: 'SYS_ADMIN' }), { code: 3, details: /jvmCgroupCapabilities must be/ });
  await assert.rejects(fresh.configure({ memoryVar: 'x' }), { code: 3, details: /unknown field\(s\) memoryVar/ });
});

test('Describe subscribes to container PreCreate only, with a 1 s timeout preference', async () => {
  const described = await harness.describe();
  assert.deepEqual(described.hooks, [
    { hook: 'HOOK_CONTAINER_PRE_CREATE', options: { timeout_ms: 1000, failure_policy: 'FAILURE_POLICY_UNSPECIFIED' } },
  ]);
});
