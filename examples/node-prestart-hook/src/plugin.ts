// record-start: a container PreStart hook that gives every container start an OCI prestart hook,
// hooks/record-start.sh, which appends "started <id>" to a marker file. It is the shape of
// Alibaba's production PreStart plugin (a fixed hook at priority -100, after networking;
// reference §9), with the hook shipped beside the plugin. It also logs the daemon's start and
// stop, as PouchContainer's daemon plugins did.
import { fileURLToPath } from 'node:url';
import { definePlugin, getLabel, type OciHookSpec } from '@hookd/plugin-sdk';
import { DEFAULT_SETTINGS, parseSettings, type RecordStartSettings } from './settings.ts';

/** The script the runtime runs; an absolute path on the daemon's host, as OCI requires. */
export const HOOK_SCRIPT = fileURLToPath(new URL('../hooks/record-start.sh', import.meta.url));

/** A container with this label set to "true" gets no hook. */
export const OPT_OUT_LABEL = 'record-start.disable';

// OCI hooks run with exactly the env they are given; the script needs sh, cat and sed.
const HOOK_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];

export const recordStartPlugin = definePlugin<RecordStartSettings>({
  name: 'record-start',
  version: '0.1.0',
  configure: (config) => parseSettings(config),
  hooks: {
    containerPreStart({ container, containerId, pluginConfig, log }): OciHookSpec[] {
      const settings = pluginConfig ?? DEFAULT_SETTINGS;
      const labels = container.Config ?? {};
      if (getLabel(labels, OPT_OUT_LABEL) === 'true') {
        log.debug('container opted out', { containerId });
        return [];
      }
      return [{
        priority: settings.priority,
        path: HOOK_SCRIPT,
        args: ['record-start.sh', settings.markerFile],
        env: HOOK_ENV,
        timeoutSeconds: settings.timeoutSeconds,
      }];
    },
    daemonPreStart({ daemonVersion, dataRoot, log }) {
      log.info('daemon starting', { daemonVersion, dataRoot });
    },
    daemonPreStop({ reason, log }) {
      log.info('daemon stopping', { reason });
    },
  },
});
