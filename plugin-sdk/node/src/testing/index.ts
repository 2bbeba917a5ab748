// @hookd/plugin-sdk/testing: test a plugin the way the host will call it.
//   createTestHarness(plugin)  in-process, through the protocol's codecs (fast unit tests)
//   startTestServer(plugin)    served on a temp unix socket, with a connected client
//   launchPlugin(file)         a real child process, launched as the host launches plugins
export { createTestHarness, type TestHarness, type HarnessOptions, type RequestOptions } from './harness.ts';
export { startTestServer, type TestServer } from './test-server.ts';
export { launchPlugin, type LaunchedPlugin, type LaunchOptions } from './launch.ts';
export { connectPlugin, type PluginConnection } from './client.ts';
