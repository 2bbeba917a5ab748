// @hookd/plugin-sdk: write a hookd plugin in TypeScript. Implement the hooks you want in
// definePlugin({...}) and call .serve(); the SDK speaks the protocol (docs/protocol.md).
export { definePlugin, type Plugin, type PluginSpec, type ConfigureContext } from './define-plugin.ts';
export { servePlugin, byHandMessage, type ServeOptions, type ServingPlugin } from './serve.ts';
export { PluginRejection, isPluginRejection, type RejectionCode } from './errors.ts';
export { createLogger, type Logger, type LogLevel, type LogFields } from './logger.ts';
export { SDK_PROTOCOL_VERSIONS } from './protocol.ts';
export type * from './hook-types.ts';
export * from './container-config/index.ts';
