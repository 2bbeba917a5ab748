import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addCapabilities, deleteAnnotation, deleteLabel, envToRecord, getAnnotation, getEnv, getLabel, hostConfig,
  setAnnotation, setEnv, setLabel, unsetEnv, type ContainerCreateConfig,
} from '../src/index.ts';

function sampleConfig(): ContainerCreateConfig {
  return {
    Image: 'busybox',
    Env: ['PATH=/bin', 'A=1', 'FLAG', 'A=2'],
    Labels: { keep: 'me' },
    FutureField: { nested: [1, 2, { deep: true }] },
    HostConfig: { Memory: 0, SomethingNew: 'x' },
  };
}

test('env helpers follow Docker: the last entry wins and a bare name has an empty value', () => {
  const config = sampleConfig();
  assert.equal(getEnv(config, 'A'), '2');
  assert.equal(getEnv(config, 'FLAG'), '');
  assert.equal(getEnv(config, 'MISSING'), undefined);
  assert.deepEqual(envToRecord(config), { PATH: '/bin', A: '2', FLAG: '' });
});

test('setEnv replaces in place and drops duplicates; unsetEnv removes every entry', () => {
  const config = sampleConfig();
  setEnv(config, 'A', '3');
  assert.deepEqual(config.Env, ['PATH=/bin', 'A=3', 'FLAG']);
  setEnv(config, 'NEW', 'v=with=equals');
  assert.equal(getEnv(config, 'NEW'), 'v=with=equals');
  assert.equal(unsetEnv(config, 'A'), true);
  assert.equal(unsetEnv(config, 'A'), false);
  assert.deepEqual(config.Env, ['PATH=/bin', 'FLAG', 'NEW=v=with=equals']);
});

test('env helpers work on any string array and create Env on a config without one', () => {
  const list = ['X=1'];
  setEnv(list, 'Y', '2');
  assert.deepEqual(list, ['X=1', 'Y=2']);
  const config: ContainerCreateConfig = { Image: 'busybox', Env: null };
  assert.equal(getEnv(config, 'X'), undefined);
  setEnv(config, 'X', '1');
  assert.deepEqual(config.Env, ['X=1']);
});

test('label and annotation helpers create their map and keep other keys', () => {
  const config = sampleConfig();
  setLabel(config, 'added', 'yes');
  assert.deepEqual(config.Labels, { keep: 'me', added: 'yes' });
  assert.equal(getLabel(config, 'added'), 'yes');
  assert.equal(deleteLabel(config, 'added'), true);
  assert.equal(getLabel(config, 'added'), undefined);

  assert.equal(getAnnotation(config, 'a'), undefined);
  setAnnotation(config, 'a', 'b');
  assert.deepEqual(config.SpecAnnotation, { a: 'b' });
  assert.equal(deleteAnnotation(config, 'a'), true);
  assert.equal(getLabel(config, 'toString'), undefined, 'inherited properties are not labels');
});

test('helpers keep every field they do not touch, at any depth', () => {
  const config = sampleConfig();
  const untouched = structuredClone(config);
  setEnv(config, 'B', '1');
  setLabel(config, 'l', 'v');
  setAnnotation(config, 'a', 'v');
  addCapabilities(config, ['SYS_ADMIN', 'SYS_ADMIN']);
  hostConfig(config).Memory = 1024;

  assert.deepEqual(config.FutureField, untouched.FutureField);
  assert.equal(config.Image, 'busybox');
  assert.deepEqual(config.HostConfig, { Memory: 1024, SomethingNew: 'x', CapAdd: ['SYS_ADMIN'] });
});

test('hostConfig creates a missing or null HostConfig', () => {
  const config: ContainerCreateConfig = { Image: 'busybox', HostConfig: null };
  hostConfig(config).Privileged = false;
  assert.deepEqual(config.HostConfig, { Privileged: false });
});
