// Image routes: pull (POST /images/create?fromImage=), import (?fromSrc=-), load, save, list, inspect, tag, remove, prune.
// Import and load read the tarball from the request as a stream (no body limit) and answer with
// Docker's JSON progress stream.

import type { ImageRecord } from '../images/image-store.ts';
import { toImageInspect } from '../images/image-inspect.ts';
import { JsonProgressStream } from '../images/pull/pull-progress.ts';
import { decodeRegistryAuth } from '../registry/registry-auth.ts';
import { parsePlatform } from '../registry/manifest.ts';
import { parseFilters } from '../containers/inspect-view.ts';
import { badRequest, notFound } from './errors.ts';
import { parseBooleanQuery, type RouteDeps } from './route-deps.ts';
import { emptyResponse, jsonResponse, type RouteContext, type RouteSpec } from './route-table.ts';

export function imageRoutes(deps: RouteDeps): RouteSpec[] {
  const { images, events } = deps;
  const resolve = (reference: string): ImageRecord => {
    const image = images.resolve(reference);
    if (!image) throw notFound(`No such image: ${reference}`);
    return image;
  };
  return [
    { method: 'POST', path: '/images/create', streaming: true, streamsBody: true, handler: (ctx) => importImage(deps, ctx) },
    {
      method: 'POST', path: '/images/load', streaming: true, streamsBody: true, handler: async (ctx) => {
        const loaded = await images.load(ctx.req);
        ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
        for (const image of loaded) {
          events.publish('image', 'load', image.Id, { name: image.RepoTags[0] ?? image.Id });
          const lines = image.RepoTags.length > 0 ? image.RepoTags.map((tag) => `Loaded image: ${tag}\n`) : [`Loaded image ID: ${image.Id}\n`];
          for (const line of lines) ctx.res.write(`${JSON.stringify({ stream: line })}\n`);
        }
        ctx.res.end();
        return undefined;
      },
    },
    {
      // hookd images have no parent chain, so `all` changes nothing.
      method: 'GET', path: '/images/json', handler: async () => {
        return jsonResponse(200, images.list().map((image) => ({
          Id: image.Id, ParentId: '', RepoTags: image.RepoTags, RepoDigests: image.RepoDigests ?? [],
          Created: Math.floor(Date.parse(image.Created) / 1000), Size: image.Size, SharedSize: -1, VirtualSize: image.Size,
          Labels: image.Config.Labels ?? {}, Containers: -1,
        })));
      },
    },
    { method: 'GET', path: '/images/get', streaming: true, handler: (ctx) => saveImages(deps, ctx, ctx.query.getAll('names')) },
    { method: 'GET', path: '/images/{name}/get', slashParams: ['name'], streaming: true, handler: (ctx) => saveImages(deps, ctx, [ctx.params.name as string]) },
    { method: 'GET', path: '/images/{name}/json', slashParams: ['name'], handler: async (ctx) => jsonResponse(200, toImageInspect(resolve(ctx.params.name as string), images.snapshotterName)) },
    {
      method: 'POST', path: '/images/{name}/tag', slashParams: ['name'], handler: async (ctx) => {
        const image = resolve(ctx.params.name as string);
        const repo = ctx.query.get('repo');
        if (!repo) throw badRequest('tag: the "repo" query parameter is required');
        const repoTag = withTag(repo, ctx.query.get('tag'));
        await images.tag(image.Id, repoTag);
        events.publish('image', 'tag', image.Id, { name: repoTag });
        return emptyResponse(201);
      },
    },
    {
      // docker image prune [-a] [--filter ...]: answers Docker's {ImagesDeleted, SpaceReclaimed}.
      method: 'POST', path: '/images/prune', handler: async (ctx) => {
        if (!images.prune) throw badRequest('this daemon\'s image store cannot prune');
        const result = await images.prune({ filters: parseFilters(ctx.query.get('filters')), isInUse: (imageId) => deps.containers.isImageInUse(imageId) });
        const deleted: Array<{ Untagged: string } | { Deleted: string }> = [];
        for (const image of result.deleted) {
          for (const tag of image.RepoTags) {
            deleted.push({ Untagged: tag });
            events.publish('image', 'untag', tag, { name: tag });
          }
          deleted.push({ Deleted: image.Id });
          events.publish('image', 'delete', image.Id, { name: image.Id });
        }
        events.publish('image', 'prune', '', { reclaimed: String(result.spaceReclaimed) });
        return jsonResponse(200, { ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: result.spaceReclaimed });
      },
    },
    {
      method: 'DELETE', path: '/images/{name}', slashParams: ['name'], handler: async (ctx) => {
        const reference = ctx.params.name as string;
        resolve(reference);
        const result = await images.remove(reference, {
          force: parseBooleanQuery(ctx.query.get('force')),
          isInUse: (imageId) => deps.containers.isImageInUse(imageId),
        });
        for (const tag of result.untagged) events.publish('image', 'untag', tag, { name: tag });
        for (const id of result.deleted) events.publish('image', 'delete', id, { name: id });
        return jsonResponse(200, [...result.untagged.map((tag) => ({ Untagged: tag })), ...result.deleted.map((id) => ({ Deleted: id }))]);
      },
    },
  ];
}

/**
 * docker save: every name is resolved before the 200 (an unknown one is a 404); a failure while
 * the tarball streams can only cut the stream short (as dockerd), and is logged.
 */
async function saveImages(deps: RouteDeps, ctx: RouteContext, names: string[]): Promise<undefined> {
  if (!deps.images.save) throw badRequest('this daemon\'s image store cannot save images');
  if (names.length === 0) throw badRequest('save: name at least one image ("names" query parameter)');
  for (const name of names) if (!deps.images.resolve(name)) throw notFound(`No such image: ${name}`);
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  try {
    await deps.images.save(names, ctx.res);
  } catch (error) {
    ctx.logger.warn({ err: error, names }, 'save failed');
    ctx.res.destroy(error as Error);
    return undefined;
  }
  ctx.res.end();
  return undefined;
}

/** "name" + "tag" → "name:tag"; a repo that already carries a tag keeps it. */
function withTag(repo: string, tag: string | null): string {
  if (tag) return `${repo}:${tag}`;
  const lastSegment = repo.slice(repo.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? repo : `${repo}:latest`;
}

async function importImage(deps: RouteDeps, ctx: RouteContext): Promise<undefined> {
  const fromSrc = ctx.query.get('fromSrc');
  const fromImage = ctx.query.get('fromImage');
  if (fromImage) return pullImage(deps, ctx, fromImage);
  if (fromSrc !== '-') {
    ctx.req.resume();
    throw badRequest(`import: only fromSrc=- (the tarball in the request body) is supported, got ${JSON.stringify(fromSrc)}`);
  }
  const repo = ctx.query.get('repo');
  const image = await deps.images.importRootfs(ctx.req, {
    ...(repo ? { repoTag: withTag(repo, ctx.query.get('tag')) } : {}),
    changes: ctx.query.getAll('changes'),
    message: ctx.query.get('message') ?? '',
  });
  deps.events.publish('image', 'import', image.Id, { name: image.RepoTags[0] ?? image.Id });
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.end(`${JSON.stringify({ status: image.Id })}\r\n`);
  return undefined;
}

/**
 * docker pull: the manifest and config are fetched before answering, so "not found" or "denied"
 * is an HTTP error status; from then on progress streams, and a later failure (a layer, the
 * postPull hook) is the stream's last line, as dockerd does.
 */
async function pullImage(deps: RouteDeps, ctx: RouteContext, fromImage: string): Promise<undefined> {
  ctx.req.resume();
  const puller = deps.puller;
  if (!puller) throw badRequest(`this daemon has no content store, so it cannot pull ${fromImage}: use "docker import" or "docker load"`);
  const tag = ctx.query.get('tag');
  const reference = !tag || fromImage.includes('@') ? fromImage : tag.startsWith('sha256:') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
  const credentials = decodeRegistryAuth(ctx.headers['x-registry-auth'] as string | undefined);
  const platform = ctx.query.get('platform') ? parsePlatform(ctx.query.get('platform')!) : undefined;
  const resolved = await puller.resolve({ reference, ...(credentials ? { credentials } : {}), ...(platform ? { platform } : {}), signal: ctx.signal });
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  const progress = new JsonProgressStream(ctx.res);
  try {
    const { image } = await puller.complete(resolved, progress, ctx.signal);
    deps.events.publish('image', 'pull', image.RepoTags[0] ?? image.Id, { name: image.RepoTags[0] ?? image.Id });
  } catch (error) {
    ctx.logger.warn({ err: error, reference }, 'pull failed');
    progress.error((error as Error).message);
  }
  ctx.res.end();
  return undefined;
}
