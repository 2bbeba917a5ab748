// Docker-style events (GET /events). Managers publish; the events route subscribes. A short
// history lets `docker events --since` replay what happened just before the client connected.

import { EventEmitter } from 'node:events';

export type EventType = 'container' | 'image' | 'volume' | 'network' | 'daemon';

/** Docker's event message (the legacy status/id/from fields included; old clients read them). */
export interface DaemonEvent {
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
}

export interface EventFilter {
  type?: string[];
  event?: string[];
  container?: string[];
  image?: string[];
  volume?: string[];
  label?: string[];
}

const HISTORY_SIZE = 256;

export class EventBus {
  readonly #emitter = new EventEmitter();
  readonly #history: DaemonEvent[] = [];

  constructor() {
    this.#emitter.setMaxListeners(0); // every `docker events` client is one listener
  }

  publish(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): DaemonEvent {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const event: DaemonEvent = {
      Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local',
      time: Number(nowNs / 1_000_000_000n), timeNano: Number(nowNs),
    };
    if (type === 'container' || type === 'image') {
      event.status = action;
      event.id = id;
      if (attributes.image) event.from = attributes.image;
    }
    this.#history.push(event);
    if (this.#history.length > HISTORY_SIZE) this.#history.shift();
    this.#emitter.emit('event', event);
    return event;
  }

  /** Past events at or after `sinceSeconds` (from the short history). */
  since(sinceSeconds: number): DaemonEvent[] {
    return this.#history.filter((event) => event.time >= sinceSeconds);
  }

  subscribe(listener: (event: DaemonEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}

export function matchesEventFilter(event: DaemonEvent, filter: EventFilter): boolean {
  const attrs = event.Actor.Attributes;
  const oneOf = (values: string[] | undefined, ...candidates: Array<string | undefined>): boolean =>
    !values || values.length === 0 || values.some((value) => candidates.includes(value));
  if (!oneOf(filter.type, event.Type)) return false;
  if (!oneOf(filter.event, event.Action)) return false;
  if (filter.container?.length && (event.Type !== 'container' || !oneOf(filter.container, event.Actor.ID, attrs.name, event.Actor.ID.slice(0, 12)))) return false;
  if (filter.image?.length && !oneOf(filter.image, attrs.image, event.Type === 'image' ? event.Actor.ID : undefined, attrs.name)) return false;
  if (filter.volume?.length && (event.Type !== 'volume' || !oneOf(filter.volume, event.Actor.ID))) return false;
  if (filter.label?.length) {
    for (const label of filter.label) {
      const [key = '', value] = label.split('=', 2);
      if (!(key in attrs) || (value !== undefined && attrs[key] !== value)) return false;
    }
  }
  return true;
}
