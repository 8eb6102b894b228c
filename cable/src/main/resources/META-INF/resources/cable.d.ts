// TypeScript declarations of cable.js (docs/client.md). The script defines the global `cable`;
// cable.mjs exports the same object as default and as `cable`.

/** One event as delivered by `POST /cable/poll` (docs/protocol.md). */
export interface CableMessage<P = any> {
  /** Integer below 2^53, strictly increasing within a channel. */
  id: number;
  event: string;
  payload: P;
  /** ISO-8601 UTC. */
  created_at: string;
  /** Set on events unpacked from a `batch`: the batch message itself (whose id they share). */
  batch?: CableMessage<BatchPayload>;
}

export interface BatchPayload {
  events: Array<{ event: string; payload: any }>;
  count: number;
  timestamp: string;
}

export interface DomUpdatePayload {
  selector: string;
  /** Trusted HTML from server code: set as innerHTML. */
  html: string;
}

export interface DomTextPayload {
  selector: string;
  /** Set as textContent. */
  text: string;
}

export interface PresenceUser<I = any> {
  id: string;
  info: I | null;
}

/** The answer of join() and leave() (docs/protocol.md, "Presence endpoints"). */
export interface PresenceList<I = any> {
  /** Members after the request. */
  count: number;
  /** The channel's presence version after the request. */
  version: number;
  /** Everyone present, ordered by id: only while the room is small (at most 100 members and 16 KiB). */
  users?: Array<PresenceUser<I>>;
}

/** One page of `POST {presenceEndpoint}/users`: members ordered by id, read at `version`. */
export interface PresencePage<I = any> {
  users: Array<PresenceUser<I>>;
  /** The whole channel's member count, read with the page. */
  count: number;
  /** The channel's presence version the page was read at. */
  version: number;
  /** Present only when more members follow: pass it as `after` for the next page. */
  next?: string;
}

/** `presence:update`: one change of the channel's presence, the step from `version - 1` to `version`. */
export interface PresenceUpdatePayload<I = any> {
  /** The channel's presence version after this change (1, 2, 3, ...; absent from servers before versions). */
  version: number;
  /** Members after the change. */
  count: number;
  timestamp: string;
  /** Ids of who became present. */
  joined: string[];
  /** Ids of who stopped being present. */
  left: string[];
  /** Who joined or changed their info, with the info. */
  changed: Array<PresenceUser<I>>;
  /** Everyone present after the change, ordered by id: only while the room is small. */
  users?: Array<PresenceUser<I>>;
}

/**
 * `presence:members`: the subscription's member list (as `subscription.members`) after it changed.
 * `message` is the update's message, undefined when the change came from reading the list.
 */
export type MembersHandler<I = any> = (members: Array<PresenceUser<I>>, message: CableMessage | undefined) => unknown;

export type Handler<P = any> = (payload: P, message: CableMessage) => unknown;

/** Handlers by event name; the names below get typed payloads. */
export interface Handlers {
  'batch'?: Handler<BatchPayload>;
  'dom-update'?: Handler<DomUpdatePayload>;
  'dom-text'?: Handler<DomTextPayload>;
  /** Every presence update as it arrives (a `presence:*` handler makes the subscription keep `members`). */
  'presence:update'?: Handler<PresenceUpdatePayload>;
  /** A member entered the list (not for the first list read); `message` undefined when it came from reading the list. */
  'presence:join'?: (user: PresenceUser, message: CableMessage | undefined) => unknown;
  /** A member left the list; `message` undefined when it came from reading the list. */
  'presence:leave'?: (userId: string, message: CableMessage | undefined) => unknown;
  /** The member list changed (or was read): re-render from it. */
  'presence:members'?: MembersHandler;
  /** Fired before the messages of a page answered with `reset: true`: resynchronise your view. */
  'cable:reset'?: (info: { lastId: number }) => unknown;
  /** The server refused the channel (400 invalid name, 403 private without token or consent); it is not polled again until subscribed again or given a new token. */
  error?: (info: ChannelError) => unknown;
  [event: string]: ((payload: any, message: any) => unknown) | undefined;
}

/** A channel the server refused (docs/protocol.md, "Channels refused alone"). */
export interface ChannelError {
  channel: string;
  /** 400: the name breaks the naming rules; 403: private, without a valid token or consent. */
  status: number;
  message: string;
}

export interface Listenable {
  on(event: 'batch', fn: Handler<BatchPayload>): this;
  on(event: 'dom-update', fn: Handler<DomUpdatePayload>): this;
  on(event: 'dom-text', fn: Handler<DomTextPayload>): this;
  on(event: 'presence:update', fn: Handler<PresenceUpdatePayload>): this;
  on(event: 'presence:join', fn: (user: PresenceUser, message: CableMessage | undefined) => unknown): this;
  on(event: 'presence:leave', fn: (userId: string, message: CableMessage | undefined) => unknown): this;
  on(event: 'presence:members', fn: MembersHandler): this;
  on(event: 'cable:reset', fn: (info: { lastId: number }) => unknown): this;
  on(event: 'error', fn: (info: ChannelError) => unknown): this;
  on<P = any>(event: string, fn: Handler<P>): this;
  /** Removes one handler, or every handler of the event when `fn` is omitted. */
  off(event: string, fn?: (...args: any[]) => unknown): this;
  /** A view whose handlers fire only when the predicate holds (`cable:*` events are not filtered). */
  filter(predicate: (payload: any, message: CableMessage) => boolean): FilteredView;
}

export interface FilteredView extends Listenable {
  /** Detaches the view and the views filtered from it: their handlers fire no more. */
  dispose(): void;
}

export interface Subscription extends Listenable {
  readonly channel: string;
  /** Id of the last event dispatched; null until known for a subscription "from now". */
  readonly lastId: number | null;
  /** False after unsubscribe() or client.disconnect(). */
  readonly active: boolean;
  /**
   * The channel's exact member list, ordered by id (JavaScript string order); null until known.
   * Kept once a `presence:*` handler was added to the subscription or a filtered view of it (until
   * unsubscribe()): cable.js reads the list page by page, applies every `presence:update` in version
   * order and reads the list again after a gap, a reset or a lost presence store. `presence:members`
   * fires when it changed. The same array until then: do not modify it.
   */
  readonly members: Array<PresenceUser> | null;
  unsubscribe(): void;
  /** Replaces this tab's token of the channel; a refused channel is polled again. */
  setToken(token: string): void;
  /** Joins presence as this tab's session; heartbeats follow every heartbeatInterval. */
  join(info?: unknown): Promise<PresenceList>;
  /** Leaves presence; resolves to null without a request while another subscription of this tab on the channel is joined. */
  leave(): Promise<PresenceList | null>;
  /** One page of the member list (`POST {presenceEndpoint}/users`): the first, or the one after `page.after`. The whole list: `members`. */
  users(page?: { after?: string; limit?: number }): Promise<PresencePage>;
}

export interface SubscribeOptions {
  /** Start after this id (e.g. the server's `Cable.lastId(channel)` embedded in the page). */
  lastId?: number | string;
  /** Start from the oldest retained event (cursor 0). Ignored when lastId is given. */
  history?: boolean;
  /**
   * The channel token a private channel needs (issued by server code with ChannelTokens); sent with
   * every poll of the channel and with its presence requests.
   */
  token?: string;
  /**
   * Poll this public channel (named by `cable.public-channels` on the server) with the GET form
   * `GET {endpoint}?channel=..&after=..`, which a CDN or reverse proxy can answer from its cache.
   * GET polls have no wait: a poll cycle that includes a cacheable channel is a short poll. Ignored
   * for a channel with a token (a private channel is never public).
   */
  cacheable?: boolean;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** `info` is `{attempt, delay}` (ms until the next try) for `reconnecting`, otherwise undefined. */
export type StateListener = (state: ConnectionState, info?: { attempt: number; delay: number }) => unknown;

/** Everything cable.js takes from the browser; tests inject fakes. */
export interface CableEnvironment {
  fetch?: typeof fetch;
  setTimeout?: (fn: () => void, ms: number) => any;
  clearTimeout?: (id: any) => void;
  now?: () => number;
  random?: () => number;
  document?: any;
  navigator?: any;
  BroadcastChannel?: any;
  window?: any;
  console?: Pick<Console, 'error' | 'warn'>;
  crypto?: { randomUUID?: () => string };
  AbortController?: typeof AbortController;
  Blob?: typeof Blob;
}

export interface ConnectOptions {
  /** Default `/cable/poll`. */
  endpoint?: string;
  /** Milliseconds between polls while a tab is visible; default 3000. */
  pollInterval?: number;
  /** Milliseconds between polls while every tab is hidden; default 30000. */
  hiddenPollInterval?: number;
  /** Upper bound of the retry backoff in ms; default 30000. */
  maxBackoff?: number;
  /** Ask the server to hold the poll (`"wait": 25`) and poll again at once; default false. */
  longPoll?: boolean;
  /** Request timeout in ms (plus 25 s for a long poll); default 30000. */
  timeout?: number;
  /** The server's cable.poll.max-channels; a poll naming more channels is split into several requests. Default 50. */
  maxChannelsPerPoll?: number;
  /** Merged into every request (CSRF token, Authorization); a function is called per request. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** A fresh channel token for a private channel: asked a minute before a token expires and once on a 403. */
  getToken?: (channel: string) => Promise<string> | string;
  /** fetch's credentials mode; 'include' for a Cable server on another origin (listed in cable.allowed-origins). Default 'same-origin'. */
  credentials?: 'omit' | 'same-origin' | 'include';
  /** Default: the endpoint with `/poll` replaced by `/presence`, else `/cable/presence`. */
  presenceEndpoint?: string;
  /** Milliseconds between presence heartbeats while joined; default 20000. */
  heartbeatInterval?: number;
  /** Name of the BroadcastChannel (and prefix of the Web Lock) shared by the tabs; default 'cable'. */
  channelName?: string;
  /** Alias of channelName. */
  sharedWorkerName?: string;
  /** One poller for all tabs of the origin; default true when navigator.locks and BroadcastChannel exist. */
  shareTabs?: boolean;
  /** Replaces browser globals (tests). */
  env?: CableEnvironment;
}

export interface Client {
  readonly state: ConnectionState;
  /** This tab's presence session id. */
  readonly session: string;
  /** True while this tab polls (for all tabs when sharing). */
  readonly isLeader: boolean;
  /** Throws a TypeError for a name the server refuses (empty, over 255 characters, control characters, unpaired surrogates). */
  subscribe(channel: string, handlers?: Handlers, options?: SubscribeOptions): Subscription;
  on(event: 'state', fn: StateListener): this;
  /** A channel the server refused; the other channels go on. */
  on(event: 'error', fn: (info: ChannelError) => unknown): this;
  off(event: 'state', fn: StateListener): this;
  off(event: 'error', fn: (info: ChannelError) => unknown): this;
  /** Returns a function that removes the listener. */
  onStateChange(fn: StateListener): () => void;
  disconnect(): void;
}

export interface Cable {
  readonly version: string;
  connect(options?: ConnectOptions): Client;
  /** Plays now, or after the first user interaction (only the latest queued sound). Volume clamped to [0, 1]. */
  playSound(url: string, volume?: number): void;
}

export declare const cable: Cable;
export default cable;

declare global {
  // eslint-disable-next-line no-var
  var cable: Cable;
}
