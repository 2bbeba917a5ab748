// A node:test reporter for scripts/run-tests.mjs: one line per test file, "<seconds>\t<file>", the
// sum of its top-level tests' durations (what the file spends besides starting up). run-tests
// prints the slowest at the end, so that the slow-first order and the ALONE list can be kept true.
export default async function* fileTimes(source) {
  const seconds = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { file, nesting, details } = event.data;
    if (nesting !== 0 || !file) continue;
    seconds.set(file, (seconds.get(file) ?? 0) + (details?.duration_ms ?? 0) / 1000);
  }
  for (const [file, value] of seconds) yield `${value.toFixed(1)}\t${file}\n`;
}
