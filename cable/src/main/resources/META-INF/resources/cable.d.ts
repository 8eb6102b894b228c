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

export interface PresenceList<I = any> {
  users: Array<PresenceUser<I>>;
  count: number;
}

export interface PresenceUpdatePayload<I = any> extends PresenceList<I> {
  timestamp: string;
  joined?: string[];
  left?: string[];
}

export type Handler<P = any> = (payload: P, message: CableMessage) => unknown;

/** Handlers by event name; the names below get typed payloads. */
export interface Handlers {
  'batch'?: Handler<BatchPayload>;
  'dom-update'?: Handler<DomUpdatePayload>;
  'dom-text'?: Handler<DomTextPayload>;
  'presence:update'?: Handler<PresenceUpdatePayload>;
  'presence:join'?: (user: PresenceUser, message: CableMessage) => unknown;
  'presence:leave'?: (userId: string, message: CableMessage) => unknown;
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
  on(event: 'presence:join', fn: (user: PresenceUser, message: CableMessage) => unknown): this;
  on(event: 'presence:leave', fn: (userId: string, message: CableMessage) => unknown): this;
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
  unsubscribe(): void;
  /** Replaces this tab's token of the channel; a refused channel is polled again. */
  setToken(token: string): void;
  /** Joins presence as this tab's session; heartbeats follow every heartbeatInterval. */
  join(info?: unknown): Promise<PresenceList>;
  /** Leaves presence; resolves to null without a request while another subscription of this tab on the channel is joined. */
  leave(): Promise<PresenceList | null>;
  /** `GET {presenceEndpoint}/users?channel=`. */
  users(): Promise<PresenceList>;
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
