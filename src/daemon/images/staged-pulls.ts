// Pulled images whose layers are all unpacked but whose reference is not stored yet: between the
// unpack and commitPulled (image.postPull runs then), or for good when image.postPull failed (kept
// so that a retry unpacks nothing, until the next garbage collection: image-gc.ts). Each staged
// image names its layers (chainIDs, bottom first), which keeps them from being collected. In
// memory only: a start collects every staged pull anyway (no pull holds a lease then).

import type { PulledImage, PulledLayerApply } from './image-store.ts';
import { chainIds, type LayerStore } from './layer-store.ts';

export class StagedPulls {
  /** Image hex → its layers' chainIDs; image-gc.ts drops entries no pull leases. */
  readonly entries = new Map<string, string[]>();
  /** Unpacks in progress, by image hex: a second pull of the same image waits for the first. */
  readonly #unpacking = new Map<string, Promise<void>>();
  readonly #layers: LayerStore;

  constructor(layers: LayerStore) {
    this.#layers = layers;
  }

  has(hex: string): boolean {
    return this.entries.has(hex);
  }

  /** Unpacks the layers the layer store lacks, bottom first, then stages the image (every layer there, or not staged). */
  unpack(pulled: PulledImage, apply: PulledLayerApply): Promise<void> {
    if (this.entries.has(pulled.hex)) return Promise.resolve();
    const running = this.#unpacking.get(pulled.hex);
    if (running) return running;
    const ids = chainIds(pulled.layers.map((layer) => layer.diffId));
    const release = this.#layers.hold(ids); // a concurrent rmi never collects a layer this pull found or made
    const run = (async () => {
      for (const [index, layer] of pulled.layers.entries()) {
        await this.#layers.ensure(ids[index - 1], layer.diffId, (root, lowers) => apply(index, root, lowers));
      }
      this.entries.set(pulled.hex, ids);
    })().finally(() => {
      release();
      this.#unpacking.delete(pulled.hex);
    });
    this.#unpacking.set(pulled.hex, run);
    return run;
  }

  /** The staged image's layers, unstaged (its record is about to name them); undefined when collected. */
  take(hex: string): string[] | undefined {
    const ids = this.entries.get(hex);
    this.entries.delete(hex);
    return ids;
  }
}
