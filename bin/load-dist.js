// Shared by the bin/ entry points: imports a module of dist/ and hands it the command line. A
// checkout that was never built gets one clear line instead of a module-not-found stack trace.
import { existsSync } from 'node:fs';
import process from 'node:process';

/**
 * @param {string} entry path under dist/ ("cli/main.js")
 * @param {(module: any, argv: string[]) => Promise<void>} run
 */
export async function runCli(entry, run) {
  const url = new URL(`../dist/${entry}`, import.meta.url);
  if (!existsSync(url)) {
    process.stderr.write(`hookd: ${url.pathname} is missing: run \`npm run build\` in ${new URL('..', import.meta.url).pathname}\n`);
    process.exit(1);
  }
  await run(await import(url.href), process.argv.slice(2));
}
