import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges, splitWords } from '../../../src/daemon/images/image-changes.ts';
import { normalizeRepoTag, requireRepoTag, splitRepoTag } from '../../../src/daemon/images/image-reference.ts';
import { isImageError } from '../../../src/daemon/images/image-errors.ts';
import { describeError } from '../../../src/daemon/api/errors.ts';
import type { ImageConfig } from '../../../src/daemon/images/image-store.ts';

const CHANGES: Array<[string, string[], ImageConfig]> = [
  ['CMD in JSON form', ['CMD ["/bin/sh", "-c", "echo hi"]'], { Cmd: ['/bin/sh', '-c', 'echo hi'] }],
  ['CMD in shell form', ['CMD echo "hello world"'], { Cmd: ['/bin/sh', '-c', 'echo "hello world"'] }],
  ['CMD with malformed JSON is the shell form', ['CMD [oops'], { Cmd: ['/bin/sh', '-c', '[oops'] }],
  ['ENTRYPOINT both forms', ['ENTRYPOINT ["/entry"]', 'cmd ["arg"]'], { Entrypoint: ['/entry'], Cmd: ['arg'] }],
  ['ENV pairs with quotes', ['ENV A=1 B="two words" C=\'lit $x\''], { Env: ['A=1', 'B=two words', 'C=lit $x'] }],
  ['ENV legacy form', ['ENV GREETING hello big world'], { Env: ['GREETING=hello big world'] }],
  ['ENV replaces by key, keeps order', ['ENV A=1 B=2', 'ENV A=3'], { Env: ['A=3', 'B=2'] }],
  ['WORKDIR absolute then relative', ['WORKDIR /app', 'WORKDIR src'], { WorkingDir: '/app/src' }],
  ['USER and STOPSIGNAL', ['USER nobody:nogroup', 'STOPSIGNAL SIGINT'], { User: 'nobody:nogroup', StopSignal: 'SIGINT' }],
  ['LABEL pairs, quoted keys and values', ['LABEL "com.example.vendor"="ACME Inc" version=1.0', 'LABEL a=b'], { Labels: { 'com.example.vendor': 'ACME Inc', version: '1.0', a: 'b' } }],
  ['EXPOSE ports, protocols and ranges', ['EXPOSE 80 53/udp 8000-8001/tcp'], { ExposedPorts: { '80/tcp': {}, '53/udp': {}, '8000/tcp': {}, '8001/tcp': {} } }],
  ['VOLUME JSON and words', ['VOLUME ["/data"]', 'VOLUME /logs /cache'], { Volumes: { '/data': {}, '/logs': {}, '/cache': {} } }],
  ['blank changes are skipped', ['  ', ''], {}],
];
for (const [name, changes, expected] of CHANGES) {
  test(`change: ${name}`, () => assert.deepEqual(applyChanges({}, changes), expected));
}

const BAD_CHANGES: Array<[string, string, RegExp]> = [
  ['unknown instruction', 'RUN apt-get update', /RUN is not a valid change command/],
  ['ONBUILD is refused', 'ONBUILD RUN x', /ONBUILD is not a valid/],
  ['ENV without value', 'ENV LONELY', /needs a value/],
  ['LABEL without =', 'LABEL novalue', /is not key=value/],
  ['EXPOSE bad port', 'EXPOSE http', /invalid port "http"/],
  ['EXPOSE reversed range', 'EXPOSE 90-80', /invalid port range/],
  ['VOLUME JSON not strings', 'VOLUME [1, 2]', /array of strings/],
  ['WORKDIR two words', 'WORKDIR /a /b', /exactly one argument/],
  ['unterminated quote', 'ENV A="open', /unterminated " quote/],
  ['CMD empty', 'CMD', /needs a command/],
];
for (const [name, change, message] of BAD_CHANGES) {
  test(`bad change: ${name} is ERR_IMAGE_BAD_CHANGE (400) naming the change`, () => {
    assert.throws(() => applyChanges({}, [change]), (e) => isImageError(e, 'ERR_IMAGE_BAD_CHANGE') && describeError(e).status === 400 && message.test(e.message) && e.message.includes(change));
  });
}

test('applyChanges leaves its input untouched', () => {
  const base: ImageConfig = { Env: ['A=1'] };
  applyChanges(base, ['ENV A=2']);
  assert.deepEqual(base, { Env: ['A=1'] });
});

test('splitWords handles escapes outside quotes and escaped quotes inside', () => {
  assert.deepEqual(splitWords('a\\ b "c \\"d\\"" \'e\\f\''), ['a b', 'c "d"', 'e\\f']);
});

const REFERENCES: Array<[string, string | undefined]> = [
  ['busybox', 'busybox:latest'],
  ['busybox:1.36', 'busybox:1.36'],
  ['docker.io/library/busybox:1', 'busybox:1'],
  ['docker.io/me/app', 'me/app:latest'],
  ['localhost:5000/team/app:v2', 'localhost:5000/team/app:v2'],
  ['registry.example.com/app', 'registry.example.com/app:latest'],
  ['Busybox', undefined],
  ['app:bad tag', undefined],
  ['app@sha256:abc', undefined],
  ['', undefined],
];
for (const [reference, expected] of REFERENCES) {
  test(`reference "${reference}" normalizes to ${expected ?? 'nothing (invalid)'}`, () => assert.equal(normalizeRepoTag(reference), expected));
}

test('splitRepoTag takes the tag after the last slash only, and requireRepoTag refuses invalid ones with 400', () => {
  assert.deepEqual(splitRepoTag('host:5000/app'), { name: 'host:5000/app', tag: 'latest' });
  assert.throws(() => requireRepoTag('UPPER:x'), (e) => isImageError(e, 'ERR_IMAGE_BAD_REFERENCE') && describeError(e).status === 400);
});
