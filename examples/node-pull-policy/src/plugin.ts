// pull-policy: an image.postPull plugin. After hookd has fetched and unpacked an image, and before
// the reference is stored, it checks that the image's config carries the labels the operator
// requires (an image without them fails the pull: the reference is not stored, the content stays,
// as in PouchContainer), and names the extra snapshotters hookd should prepare the image for
// (Pouch's intended use: one pull, unpacked for more than one snapshotter).
import { definePlugin, PluginRejection } from '@hookd/plugin-sdk';
import { DEFAULT_SETTINGS, parseSettings, type PullPolicySettings } from './settings.ts';

interface ImageView {
  Config?: { Labels?: Record<string, string> | null };
  RootFS?: { Layers?: string[] };
  RepoDigests?: string[];
}

export const pullPolicyPlugin = definePlugin<PullPolicySettings>({
  name: 'pull-policy',
  version: '0.1.0',
  configure: (config) => parseSettings(config),
  hooks: {
    imagePostPull({ imageRef, imageId, snapshotter, image, pluginConfig, log }) {
      const settings = pluginConfig ?? DEFAULT_SETTINGS;
      const view = image as ImageView;
      const labels = view.Config?.Labels ?? {};
      const missing = settings.requiredLabels.filter((label) => !(label in labels));
      if (missing.length > 0) {
        throw new PluginRejection(`image ${imageRef} (${imageId}) lacks the required label(s) ${missing.join(', ')}; add them to the image or change pull-policy's requiredLabels`);
      }
      log.info('image admitted', { imageRef, imageId, snapshotter, layers: view.RootFS?.Layers?.length ?? 0, digest: view.RepoDigests?.[0] ?? '' });
      return settings.extraSnapshotters.filter((name) => name !== snapshotter);
    },
  },
});
