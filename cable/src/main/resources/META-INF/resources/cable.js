/*
 * cable.js: the browser client of Cable (docs/client.md, wire contract in docs/protocol.md).
 *
 * No dependencies, no build step. Load it with <script src="/cable.js"> (defines the global
 * `cable`) or import it as an ES module through cable.mjs. It only assigns globalThis.cable.
 *
 * How it works, in short
 * ----------------------
 * A client polls ONE endpoint for ALL its channels with ONE timer: `POST /cable/poll` with
 * {"channels": {name: cursor}}. Every subscription keeps its own cursor (the id of the last event
 * it dispatched, `null` = "from now", `0` = "everything retained"); the poll sends, per channel, the
 * smallest cursor anyone needs and every subscription skips what it has already seen (id <= its
 * cursor). Because skipping is always safe, asking for too much is never wrong, only wasteful; that
 * single rule is what makes the multi-tab hand-over below lossless and repeat-free.
 *
 * Tabs of one origin share one poller (when navigator.locks and BroadcastChannel exist):
 *
 *   - Every tab asks for the Web Lock "<channelName>:leader" and keeps it until it closes, hides in
 *     the back/forward cache, is frozen or disconnects. The holder is the leader; the others wait in
 *     the lock's queue and are followers. Followers never poll.
 *   - Followers broadcast {type:'announce', from, channels: {name: cursor}, visible} whenever their
 *     subscriptions or visibility change, and {type:'bye'} when they go.
 *   - The leader polls the union of its own and the announced channels, with per channel the
 *     smallest cursor anybody reported (null only if all reported null), then follows `lastId`.
 *     It broadcasts every page it receives as {type:'page', channel, cursor, page} (cursor = what
 *     it sent) and dispatches it itself; every tab dispatches from its own cursors.
 *   - It also broadcasts its connection state ({type:'state'}) so followers can show it.
 *   - When the leader goes, the lock passes to the next tab, which forgets what the old leader knew,
 *     broadcasts {type:'sync'} and polls its own channels; the followers answer with a fresh
 *     announce, so their channels are polled again from their own cursors. Whatever the old leader
 *     fetched but never delivered is fetched again; whatever was delivered twice is skipped.
 *   - Tabs that crash without saying 'bye' leave their channels in the poll until the leader
 *     changes: harmless extra traffic.
 *
 * Without shared tabs (shareTabs: false, or no locks/BroadcastChannel) the client is its own leader.
 *
 * How the code is organised
 * -------------------------
 * subscribe() returns a Subscription (handlers and filtered views: Emitter, FilteredView). The
 * Client is the public API and the connection state; it owns one part per concern and coordinates
 * them:
 *
 *   - Dispatcher: this tab's subscriptions per channel; dispatches pages to them and to the DOM.
 *   - Poller: the leader's polling (cursors, `more`, long polls, backoff, Retry-After).
 *   - TabLink: the Web Lock leadership and the BroadcastChannel messages above.
 *   - PresenceKeeper: join and leave, heartbeats, leave beacons when the page goes.
 *   (Each Subscription keeps its channel's member list itself once it has a presence:* handler:
 *   see the Subscription class.)
 *   - PageWatcher: visibility, online, pagehide/pageshow and freeze/resume events.
 *   - Http: requests with the configured headers, timeouts and error details.
 */
(function () {
  'use strict';

  const VERSION = '2.2.0';
  /** Seconds the server may hold a long poll (the body's "wait"). */
  const LONG_POLL_WAIT_S = 25;
  /** A long poll answered faster than this with nothing in it was not held: the server cannot wait. */
  const FAST_ANSWER_MS = 1000;
  // How long a position seen in a page counts as "now" for a new subscription (twice the hidden
  // poll interval: a channel polled by any tab is seen at least that often)
  const SEEN_FRESH_MS = 60000;
  // A token is refreshed this long before its exp (or at 80 % of a shorter life)
  const TOKEN_REFRESH_MARGIN_MS = 60000;
  // After a refusal, getToken is asked again for the same channel only after this long
  const TOKEN_RETRY_MS = 10000;
  /** First retry delay; doubles per failure up to maxBackoff. */
  const BACKOFF_BASE_MS = 1000;
  /** Events whose payload Cable applies to the document itself. */
  const DOM_EVENTS = new Set(['dom-update', 'dom-text']);

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  /** The environment: globals unless the caller (a test) injects its own. */
  function resolveEnv(env) {
    const g = globalThis;
    const pick = (name, fallback) => (env && name in env ? env[name] : fallback);
    return {
      fetch: pick('fetch', typeof g.fetch === 'function' ? g.fetch.bind(g) : undefined),
      setTimeout: pick('setTimeout', (fn, ms) => g.setTimeout(fn, ms)),
      clearTimeout: pick('clearTimeout', (id) => g.clearTimeout(id)),
      now: pick('now', () => Date.now()),
      random: pick('random', Math.random),
      document: pick('document', g.document),
      navigator: pick('navigator', g.navigator),
      BroadcastChannel: pick('BroadcastChannel', g.BroadcastChannel),
      window: pick('window', g.window),
      console: pick('console', g.console),
      crypto: pick('crypto', g.crypto),
      AbortController: pick('AbortController', g.AbortController),
      Blob: pick('Blob', g.Blob),
    };
  }

  /** The options of cable.connect() with their defaults (docs/client.md). */
  /** The `exp` (epoch seconds) of a channel token (base64url claims "." signature), or 0 if unreadable. */
  function tokenExpiry(token) {
    try {
      const exp = JSON.parse(atob(String(token).split('.')[0].replace(/-/g, '+').replace(/_/g, '/'))).exp;
      return Number.isFinite(exp) ? exp : 0;
    } catch (e) {
      return 0;
    }
  }

  function credentialsOption(value) {
    if (value === undefined || value === null) return 'same-origin';
    if (value === 'omit' || value === 'same-origin' || value === 'include') return value;
    throw new TypeError('cable: credentials: "omit", "same-origin" or "include"');
  }

  function resolveOptions(options) {
    const endpoint = options.endpoint || '/cable/poll';
    return {
      endpoint,
      pollInterval: options.pollInterval ?? 3000,
      hiddenPollInterval: options.hiddenPollInterval ?? 30000,
      maxBackoff: options.maxBackoff ?? 30000,
      longPoll: Boolean(options.longPoll),
      timeout: options.timeout ?? 30000,
      // The server's cable.poll.max-channels: a poll naming more channels is split into requests.
      maxChannelsPerPoll: options.maxChannelsPerPoll ?? 50,
      headers: options.headers || {},
      // 'include' sends cookies to another origin too (the server must list it in cable.allowed-origins)
      credentials: credentialsOption(options.credentials),
      getToken: typeof options.getToken === 'function' ? options.getToken : null,
      presenceEndpoint: (options.presenceEndpoint
        || (/\/poll$/.test(endpoint) ? endpoint.replace(/\/poll$/, '/presence') : '/cable/presence')).replace(/\/$/, ''),
      heartbeatInterval: options.heartbeatInterval ?? 20000,
      channelName: options.channelName || options.sharedWorkerName || 'cable',
    };
  }

  const isCursor = (value) => value === null || (Number.isSafeInteger(value) && value >= 0);

  /**
   * Merges two cursors for one channel: the smaller number wins (asking for more is safe, asking
   * for less loses events); null ("from now") only when both are null. `undefined` = no cursor yet.
   */
  function lowest(a, b) {
    if (a === undefined || a === null) return b === undefined ? a : b;
    if (b === null || b === undefined) return a;
    return Math.min(a, b);
  }

  /**
   * Whether the server accepts a channel name (CableNames on the server): 1 to 255 UTF-16 code
   * units, no control characters (C0, DEL, C1), no line or paragraph separators, no unpaired
   * surrogates. A name the server refuses would be refused in every poll, so subscribe() throws.
   */
  function validChannelName(name) {
    return typeof name === 'string' && name.length > 0 && name.length <= 255
      // eslint-disable-next-line no-control-regex
      && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name);
  }

  function randomId(env) {
    if (env.crypto && typeof env.crypto.randomUUID === 'function') return env.crypto.randomUUID();
    let id = '';
    while (id.length < 24) id += Math.floor(env.random() * 36).toString(36);
    return id;
  }

  /** Retry-After in milliseconds (delta-seconds or HTTP date), or null. */
  function retryAfterMs(value, now) {
    if (value == null || value === '') return null;
    if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? null : Math.max(0, date - now);
  }

  /** The GET form of the poll for one public channel: cursor in the URL, so caches can share it. */
  function cacheableUrl(endpoint, channel, cursor) {
    return endpoint + (endpoint.includes('?') ? '&' : '?') + 'channel=' + encodeURIComponent(channel)
      + (cursor === null || cursor === undefined ? '' : '&after=' + cursor);
  }

  function chunks(list, size) {
    const out = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
  }

  function validPage(page) {
    return page !== null && typeof page === 'object' && isCursor(page.lastId) && page.lastId !== null
      && (page.messages === undefined || Array.isArray(page.messages));
  }

  /** Logs `'cable: ' + text` (and the rest) on the environment's console, at `level` (error, warn), if it has one. */
  function say(env, level, text, ...rest) {
    if (env.console) env.console[level]('cable: ' + text, ...rest);
  }

  /** Calls a user callback; neither a throw nor a rejected promise may break polling. */
  function callSafely(log, what, fn, ...args) {
    try {
      const result = fn(...args);
      if (result && typeof result.then === 'function') result.then(undefined, (e) => log(what, e));
    } catch (e) {
      log(what, e);
    }
  }

  /**
   * One message as the list of (event, payload, message) entries it dispatches: a `batch` is
   * unpacked into its inner events (each carrying the batch's id and the batch itself as `batch`),
   * followed by the `batch` event for handlers that want the whole of it.
   */
  function entriesOf(message) {
    const payload = message.payload;
    if (message.event !== 'batch' || !payload || !Array.isArray(payload.events)) {
      return [{ event: message.event, payload, message }];
    }
    const entries = payload.events
      .filter((inner) => inner && typeof inner.event === 'string')
      .map((inner) => ({
        event: inner.event,
        payload: inner.payload,
        message: { ...message, event: inner.event, payload: inner.payload, batch: message },
      }));
    entries.push({ event: 'batch', payload, message });
    return entries;
  }

  // ---------------------------------------------------------------------------------------------
  // Handlers, filtered views, subscriptions
  // ---------------------------------------------------------------------------------------------

  /** Shared by Subscription and its filtered views: handlers per event plus child views. */
  class Emitter {
    constructor(log) {
      this._log = log;
      this._handlers = new Map();
      this._views = [];
    }

    /**
     * Adds a handler for an event: `fn(payload, message)`.
     * @param {string} event
     * @param {(payload: any, message: object) => void} fn
     * @returns {this}
     */
    on(event, fn) {
      if (typeof fn !== 'function') throw new TypeError('cable: the handler of "' + event + '" must be a function');
      if (!this._handlers.has(event)) this._handlers.set(event, []);
      this._handlers.get(event).push(fn);
      if (event.startsWith('presence:')) this._watch(); // the subscription keeps its member list from now on
      return this;
    }

    /**
     * Removes a handler added with on(); without `fn`, all handlers of the event.
     * @returns {this}
     */
    off(event, fn) {
      if (fn === undefined) this._handlers.delete(event);
      else this._handlers.set(event, (this._handlers.get(event) || []).filter((h) => h !== fn));
      return this;
    }

    /**
     * A view whose handlers fire only when `predicate(payload, message)` is true. Views can be
     * filtered again (both predicates must hold). `cable:*` events are not filtered.
     * @param {(payload: any, message: object) => boolean} predicate
     * @returns {FilteredView}
     */
    filter(predicate) {
      if (typeof predicate !== 'function') throw new TypeError('cable: filter() needs a function');
      const view = new FilteredView(this._log, predicate, this);
      this._views.push(view);
      return view;
    }

    _emit(event, payload, message) {
      for (const fn of this._handlers.get(event) || []) {
        callSafely(this._log, 'the "' + event + '" handler', fn, payload, message);
      }
      for (const view of this._views) {
        if (event.startsWith('cable:') || view._accepts(payload, message)) view._emit(event, payload, message);
      }
    }
  }

  class FilteredView extends Emitter {
    constructor(log, predicate, parent) {
      super(log);
      this._predicate = predicate;
      this._parent = parent;
    }

    /** Detaches the view (and the views filtered from it): its handlers fire no more. */
    dispose() {
      if (!this._parent) return;
      this._parent._views = this._parent._views.filter((v) => v !== this);
      this._parent = null;
      this._handlers.clear();
      this._views = [];
    }

    _watch() {
      if (this._parent) this._parent._watch();
    }

    _accepts(payload, message) {
      try {
        return Boolean(this._predicate(payload, message));
      } catch (e) {
        this._log('a filter() predicate', e);
        return false;
      }
    }
  }

  /**
   * One subscription of one channel in this tab; created by client.subscribe().
   *
   * Once it (or a filtered view of it) has a `presence:*` handler, it keeps the channel's exact
   * member list (`members`) as docs/protocol.md says ("Keeping an exact member list"): an update
   * carrying `users` replaces the list at its `version`; one carrying the held version + 1 moves it
   * (remove `left`, put `changed`); older ones are ignored; a gap, a version below the last one seen
   * (the presence store was lost) or a `cable:reset` reads the list again, page by page, while the
   * updates that arrive meanwhile wait in a buffer and are replayed from the lowest page version on.
   * One read at a time per subscription; a failed read is retried with backoff.
   */
  class Subscription extends Emitter {
    constructor(client, channel, cursor) {
      super((what, error) => client._logHandlerError(channel, what, error));
      this._client = client;
      /** The channel name. */
      this.channel = channel;
      this._cursor = cursor;
      this._active = true;
      // The member list (unset until a presence:* handler sets _watching): _list, Map id -> info
      // (null while unknown) and _sorted, the `members` array until the list changes; _held, the
      // presence version the list is at (undefined: read the list again); _seen, the version of the
      // last presence:update dispatched; while the list is read, _fetching buffers the updates that
      // arrive and _again says it is stale already; _retry, a failed read's backoff timer.
      this._list = null;
      this._fails = 0;
    }

    /** The id of the last event dispatched (null until known when subscribed "from now"). */
    get lastId() {
      return this._cursor;
    }

    /** False once unsubscribe() was called or the client disconnected. */
    get active() {
      return this._active;
    }

    /**
     * The channel's members, `[{id, info}]` ordered by id (JavaScript string order), exact as of the
     * last update applied; null until known. Kept only once a `presence:*` handler was added (to the
     * subscription or a filtered view of it): from then on until unsubscribe(). Read-only: the
     * same array until the list changes (`presence:members` fires then).
     * @returns {Array<{id: string, info: any}> | null}
     */
    get members() {
      const list = this._list;
      return list && (this._sorted || (this._sorted = [...list.keys()].sort().map((id) => ({ id, info: list.get(id) }))));
    }

    /**
     * Replaces the channel token of this tab's subscriptions of the channel (e.g. after the
     * application fetched a fresh one); a channel the server refused is asked for again.
     * @param {string} token
     */
    setToken(token) {
      if (typeof token !== 'string' || token === '') throw new TypeError('cable: setToken() needs a token string');
      if (this._active) this._client._setToken(this.channel, token);
    }

    /** Stops dispatching and drops the channel from the next poll unless something else needs it. */
    unsubscribe() {
      if (!this._active) return;
      this._active = false;
      this._client._unsubscribe(this);
    }

    /**
     * Joins the channel's presence as this tab's session; heartbeats follow automatically.
     * @param {any} [info] shown with the user in the member list (JSON, at most 1 KiB by default)
     * @returns {Promise<{count: number, version: number, users?: Array<{id: string, info: any}>}>}
     *   `users` only while the room is small
     */
    join(info) {
      return this._client._join(this, info);
    }

    /**
     * Leaves the channel's presence (unless another subscription of this tab on the same channel
     * is still joined, in which case it resolves to null without a request).
     * @returns {Promise<{count: number, version: number, users?: Array<{id: string, info: any}>} | null>}
     */
    leave() {
      return this._client._leave(this);
    }

    /**
     * One page of the member list: `POST {presenceEndpoint}/users` (the first page without `page`;
     * pass `{after: next}` for the following one). For the whole list, see `members`.
     * @param {{after?: string, limit?: number}} [page]
     * @returns {Promise<{users: Array<{id: string, info: any}>, count: number, version: number, next?: string}>}
     */
    users(page) {
      return this._client._users(this.channel, page);
    }

    _emitSpecial(event, payload) {
      this._emit(event, payload, undefined);
    }

    _deliver(entries) {
      for (const { event, payload, message } of entries) {
        if (!this._active) return;
        this._emit(event, payload, message);
        if (event === 'presence:update' && this._watching && payload) this._presenceUpdate(payload, message);
      }
    }

    /** The dispatcher: a reset, or the store lost the channel. The member list is read again. */
    _reset(lastId) {
      this._emitSpecial('cable:reset', { lastId });
      this._refresh(); // (the last version seen stays: a lower one after the reset is a lost store)
    }

    _watch() {
      if (this._watching) return;
      this._watching = true;
      this._sync();
    }

    /** Reads the list if it is needed and can be read: the cursor is known (updates after the read will come). */
    _sync() {
      if (this._watching && this._active && this._held === undefined && !this._fetching && !this._retry
        && this._cursor !== null) this._fetch();
    }

    /** The list is stale (a gap, a reset): read it again, or once more if it is being read. */
    _refresh() {
      this._held = undefined;
      if (this._fetching) {
        this._again = true;
        this._fetching.length = 0; // updates before the reset: older than the next read
      }
      this._sync();
    }

    _presenceUpdate(payload, message) {
      const v = payload.version;
      if (v >= 0) {
        if (v <= this._seen) this._refresh(); // a version seen before: the presence store was lost
        this._seen = v;
        if (this._presence(payload, message)) this._changed(message);
        return;
      }
      // A server without versions: `users` is the list; `joined` and `left` (or the difference) the
      // changes. (Not over a versioned list: then it is an old update, replayed from history.)
      if (this._held > 0) return;
      const before = this._list || new Map();
      this._list = null;
      this._apply(payload.users || [], null, this._held);
      const list = this._list;
      for (const id of payload.joined || [...list.keys()].filter((id) => !before.has(id))) {
        this._emit('presence:join', { id, info: list.has(id) ? list.get(id) : null }, message);
      }
      for (const id of payload.left || [...before.keys()].filter((id) => !list.has(id))) this._emit('presence:leave', id, message);
      this._changed(message);
    }

    _changed(message) {
      this._emit('presence:members', this.members, message);
    }

    /** One update of the list (docs/protocol.md): applied (true), buffered, ignored, or the list is read again. */
    _presence(update, message) {
      const v = update.version;
      if (this._fetching) this._fetching.push(update);
      else if (!(v <= this._held)) {
        if (Array.isArray(update.users)) return this._apply(update.users, null, v, message);
        if (v === this._held + 1) return this._apply(update.changed, update.left || [], v, message);
        this._refresh();
      }
      return false;
    }

    /**
     * Replaces the list with `users` (left null) or moves it one step (remove `left`, put `users`);
     * presence:join / presence:leave per member who came / went (none for the first list). True.
     */
    _apply(users, left, version, message) {
      const before = this._list;
      const list = left ? before : new Map();
      const events = [];
      for (const id of left || []) if (list.delete(id)) events.push(['presence:leave', id]);
      for (const { id, info = null } of users || []) {
        if (before && !before.has(id)) events.push(['presence:join', { id, info }]);
        list.set(id, info);
      }
      if (!left && before) for (const id of before.keys()) if (!list.has(id)) events.push(['presence:leave', id]);
      this._list = list;
      this._sorted = null;
      this._held = version;
      for (const [event, payload] of events) this._emit(event, payload, message);
      return true;
    }

    /** Reads the whole list page by page, then replays the updates that came meanwhile (from the lowest page version on). */
    async _fetch() {
      const buffer = (this._fetching = []);
      let users;
      let low;
      try {
        do {
          this._again = false;
          users = [];
          low = Infinity;
          let page = {};
          let after;
          do {
            page = await this._client._users(this.channel, { after: (after = page.next) });
            users.push(...page.users);
            low = Math.min(low, page.version || 0);
          } while (page.next != null && page.next !== after && !this._again); // (a `next` that does not move on ends it)
        } while (this._again);
        this._fails = 0;
      } catch (e) {
        this._fetching = null;
        this._client._warn('reading the member list failed', e);
        const env = this._client._env;
        this._retry = env.setTimeout(() => {
          this._retry = null;
          this._sync();
        }, Math.max(Math.min(this._client._opts.maxBackoff, BACKOFF_BASE_MS * 2 ** this._fails++), e.retryAfter || 0));
        return;
      }
      this._fetching = null;
      if (!this._active) return;
      this._apply(users, null, low);
      for (const update of buffer.sort((a, b) => a.version - b.version)) this._presence(update);
      this._changed();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The client's parts. Each part has one concern; the Client (further down) owns them, holds the
  // state they share (closed, suspended, connection state) and connects them. Apart from the Http
  // and the PageWatcher's _visible() they are handed, parts reach each other only through the
  // Client's internal methods. Like everything that never leaves the script, the parts' methods are
  // named _like this: the minifier shortens such names (scripts/build-client.mjs).
  // ---------------------------------------------------------------------------------------------

  /** Sends the client's HTTP requests: configured headers, JSON bodies, timeouts, error details. */
  class Http {
    constructor(env, opts) {
      this._env = env;
      this._opts = opts;
    }

    /**
     * The headers as last known, without waiting: for requests that cannot wait (a beacon on
     * pagehide). A function's promise is not awaited here; its last resolved value is used.
     */
    _headersNow() {
      const h = this._opts.headers;
      if (typeof h !== 'function') return h || {};
      const value = h();
      if (value && typeof value.then === 'function') {
        value.then((resolved) => { this._lastHeaders = resolved || {}; }, () => {});
        return this._lastHeaders || {};
      }
      return value || {};
    }

    /** The configured headers; the option may be a function, sync or async, asked for every request. */
    async _currentHeaders() {
      const h = this._opts.headers;
      const value = (typeof h === 'function' ? await h() : h) || {};
      if (typeof h === 'function') this._lastHeaders = value;
      return value;
    }

    /**
     * One HTTP request with the configured headers and a timeout; resolves to the parsed JSON body
     * of a 2xx answer, rejects with an Error carrying `status` and `retryAfter` otherwise.
     */
    async _send(url, init, timeout, controller) {
      const env = this._env;
      if (typeof env.fetch !== 'function') throw new Error('cable: fetch is not available');
      const ownController = controller || (env.AbortController ? new env.AbortController() : null);
      let timedOut = false;
      const timer = timeout > 0 && ownController
        ? env.setTimeout(() => {
          timedOut = true;
          ownController.abort();
        }, timeout)
        : null;
      try {
        const headers = { ...(await this._currentHeaders()) };
        if (init.body !== undefined) headers['Content-Type'] = 'application/json';
        const response = await env.fetch(url, {
          ...init,
          headers,
          credentials: this._opts.credentials,
          ...(ownController ? { signal: ownController.signal } : {}),
        });
        const text = await response.text();
        let body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch (e) {
          if (response.ok) throw new Error('cable: the answer of ' + url + ' is not JSON');
        }
        if (!response.ok) {
          const error = new Error(body && typeof body.error === 'string' ? body.error : 'HTTP ' + response.status);
          error.status = response.status;
          error.body = body;
          const retryAfter = response.status === 503 || response.status === 429
            ? retryAfterMs(response.headers && response.headers.get ? response.headers.get('Retry-After') : null, env.now())
            : null;
          error.retryAfter = retryAfter;
          throw error;
        }
        return body;
      } catch (e) {
        if (timedOut) throw new Error('cable: no answer from ' + url + ' within ' + timeout + ' ms');
        throw e;
      } finally {
        if (timer !== null) env.clearTimeout(timer);
      }
    }
  }

  /** Keeps this tab's subscriptions per channel and dispatches pages to them (and to the DOM). */
  class Dispatcher {
    constructor(env) {
      this._env = env;
      this._subs = new Map();          // channel -> Set<Subscription> (this tab)
      this._domCursor = new Map();     // channel -> id of the last dom-* message applied here
      this._seen = new Map();          // channel -> {id, at}: the newest lastId of a page seen here
    }

    /**
     * The newest position this tab has seen for a channel (any tab's poll of it), if recent: a
     * subscription "from now" starts there, so an event that lands between subscribe() and the
     * next answer is not skipped. A stale position (the channel was not polled for a while) is not
     * "now": the server decides then.
     */
    _seenAt(channel) {
      const seen = this._seen.get(channel);
      return seen && this._env.now() - seen.at <= SEEN_FRESH_MS ? seen.id : null;
    }

    _add(sub) {
      if (!this._subs.has(sub.channel)) this._subs.set(sub.channel, new Set());
      this._subs.get(sub.channel).add(sub);
    }

    /** Forgets a subscription; a channel's DOM cursor goes with its last subscription. */
    _remove(sub) {
      const set = this._subs.get(sub.channel);
      if (!set) return;
      set.delete(sub);
      if (set.size === 0) {
        this._subs.delete(sub.channel);
        this._domCursor.delete(sub.channel);
      }
    }

    /** Whether this tab subscribes to the channel. */
    _has(channel) {
      return this._subs.has(channel);
    }

    /** The channels this tab subscribes to. */
    _channels() {
      return this._subs.keys();
    }

    /** Per channel the cursor this tab needs: the lowest of its subscriptions (null if all are). */
    _cursorOf(channel) {
      let cursor;
      for (const sub of this._subs.get(channel) || []) cursor = lowest(cursor, sub._cursor);
      return cursor === undefined ? null : cursor;
    }

    /** channel -> cursor for every channel of this tab. */
    _cursorMap() {
      const cursors = new Map();
      for (const channel of this._subs.keys()) cursors.set(channel, this._cursorOf(channel));
      return cursors;
    }

    /** Deactivates and forgets every subscription (disconnect). */
    _clear() {
      for (const subs of this._subs.values()) for (const sub of subs) sub._active = false;
      this._subs.clear();
    }

    /**
     * Dispatches one page of a channel to this tab's subscriptions, each from its own cursor.
     * `sent` is the cursor the leader polled with.
     */
    _dispatch(channel, page, sent) {
      // A page answers "after `sent`": it says nothing about (cursor, sent] of a subscription that
      // is behind `sent` (it subscribed or announced while this poll was in flight). Such a
      // subscription ignores the page and gets its own, from the lower cursor, in the next poll.
      const covers = (c) => c === null || sent === undefined || (sent !== null && c >= sent);
      if (Number.isSafeInteger(page.lastId)) {
        const before = this._seenAt(channel);
        this._seen.set(channel, { id: before === null ? page.lastId : Math.max(before, page.lastId), at: this._env.now() });
      }
      const subs = [...(this._subs.get(channel) || [])].filter((s) => s._active);
      if (subs.length === 0) return;
      try {
        const messages = (page.messages || []).filter((m) => m && Number.isSafeInteger(m.id))
          .sort((a, b) => a.id - b.id);
        const reset = new Set();
        if (page.reset) {
          // The answer is for `sent`, the smallest cursor; a subscription further ahead is affected
          // only if its own continuation is missing too. null (no position yet) and 0 (asked for
          // whatever is retained) are never affected.
          const first = messages.length ? messages[0].id : page.lastId + 1;
          for (const sub of subs) {
            const c = sub._cursor;
            if (c === null || c === 0 || !covers(c)) continue;
            if (c === sent || c < first - 1 || (!page.more && c > page.lastId)) reset.add(sub);
          }
          if (reset.size > 0) this._domCursor.delete(channel);
        }
        if (reset.size > 0 && this._onReset) this._onReset(channel);
        const readers = subs.filter((s) => reset.has(s) || covers(s._cursor));
        if (sent === null && messages.length > 0) {
          // An answer to "from now" that carries events (a server that held the poll until one came):
          // they are the first events after the subscription's start, not history.
          for (const sub of readers) if (sub._cursor === null) sub._cursor = messages[0].id - 1;
        }
        for (const sub of reset) {
          sub._reset(page.lastId);
          sub._cursor = -1; // accept the whole page: it is the new start
        }
        for (const message of messages) {
          const receivers = readers.filter((s) => s._active && s._cursor !== null && message.id > s._cursor);
          if (receivers.length === 0) continue;
          const entries = entriesOf(message);
          const applied = this._domCursor.has(channel) ? this._domCursor.get(channel) : -1;
          if (message.id > applied) {
            // Once per message and tab however many subscriptions there are, and never an older
            // update over a newer one (a late history subscription replays old events).
            this._domCursor.set(channel, message.id);
            for (const entry of entries) if (DOM_EVENTS.has(entry.event)) this._applyDom(entry.event, entry.payload);
          }
          for (const sub of receivers) {
            sub._cursor = message.id;
            sub._deliver(entries);
          }
        }
        for (const sub of readers) {
          if (sub._cursor === null) {
            if (!page.more) sub._cursor = page.lastId; // "from now" starts at the first complete answer
          } else {
            sub._cursor = Math.max(sub._cursor, page.lastId);
          }
          sub._sync(); // its position is known now: it may read its member list
        }
      } catch (e) {
        say(this._env, 'error', 'dispatching a page of "' + channel + '" failed', e);
      }
    }

    /** The server refused a channel: its subscriptions in this tab hear 'error'. */
    _refuseAll(channel, info) {
      for (const sub of [...(this._subs.get(channel) || [])]) {
        if (sub._active) sub._emitSpecial('error', info);
      }
    }

    _applyDom(event, payload) {
      const doc = this._env.document;
      if (!doc || typeof doc.querySelectorAll !== 'function' || !payload || typeof payload.selector !== 'string') return;
      try {
        for (const element of doc.querySelectorAll(payload.selector)) {
          if (event === 'dom-update') element.innerHTML = payload.html == null ? '' : String(payload.html);
          else element.textContent = payload.text == null ? '' : String(payload.text);
        }
      } catch (e) {
        say(this._env, 'error', event + ' for "' + payload.selector + '" failed', e);
      }
    }
  }

  /**
   * Polls the server for every channel any tab needs while this tab leads: one timer, per-channel
   * cursors, `more`, long polls and their fallback, backoff with jitter and Retry-After.
   */
  class Poller {
    constructor(client, env, opts, http) {
      this._client = client;
      this._env = env;
      this._opts = opts;
      this._http = http;
      this._on = false;                // between begin() and end(): while this tab leads
      this._cursors = new Map();       // channel -> cursor of the next poll
      this._timer = null;              // THE poll timer
      this._request = null;            // the poll in flight: {controller, long, restart, dropped}
      this._repoll = false;            // poll again as soon as the one in flight is answered
      this._failures = 0;
      this._notBefore = 0;             // Retry-After: no poll before this time
      this._refused = new Set();       // channels the server refused: not polled until asked for again
    }

    /** This tab leads now: poll soon from `cursors` (channel -> cursor), forgetting the old ones. */
    _begin(cursors) {
      this._on = true;
      this._cursors = new Map(cursors);
      this._refused.clear();
      this._pollSoon(true);
    }

    /** This tab no longer leads: no timer, the poll in flight is dropped, the cursors forgotten. */
    _end() {
      this._on = false;
      this._clearTimer();
      if (this._request) {
        this._request.dropped = true;
        if (this._request.controller) this._request.controller.abort();
        this._request = null;
      }
      this._cursors.clear();
    }

    /** Merges a cursor some tab needs into the next poll; true if that changed the poll. */
    _want(channel, cursor) {
      const retry = this._refused.delete(channel); // a new subscription or token: ask again
      const before = this._cursors.get(channel);
      const after = lowest(before, cursor);
      this._cursors.set(channel, after);
      return retry || after !== before;
    }

    /** Forgets the cursors of the channels not in `needed` (a Set). */
    _retain(needed) {
      for (const channel of [...this._cursors.keys()]) if (!needed.has(channel)) this._cursors.delete(channel);
      for (const channel of [...this._refused]) if (!needed.has(channel)) this._refused.delete(channel);
    }

    /**
     * Poll at once (respecting Retry-After), cancelling the pending timer. A poll in flight is
     * followed by another at once; a long poll in flight is restarted when `restartLong` (its
     * answer could take 25 s, too long for a new subscription to wait).
     */
    _pollSoon(restartLong) {
      if (!this._on) return;
      if (this._request) {
        if (restartLong && this._request.long) {
          this._request.restart = true;
          this._repoll = true; // in case the request cannot be aborted
          if (this._request.controller) this._request.controller.abort();
        } else {
          this._repoll = true;
        }
        return;
      }
      this._schedule(Math.max(0, this._notBefore - this._env.now()));
    }

    /** Visible again or back online: poll now unless a poll is already under way. */
    _pollNow() {
      if (!this._on || this._request) return;
      this._schedule(Math.max(0, this._notBefore - this._env.now()));
    }

    _interval() {
      return this._client._anyTabVisible() ? this._opts.pollInterval : this._opts.hiddenPollInterval;
    }

    _clearTimer() {
      if (this._timer !== null) this._env.clearTimeout(this._timer);
      this._timer = null;
    }

    _schedule(delay) {
      this._clearTimer();
      this._timer = this._env.setTimeout(() => {
        this._timer = null;
        this._poll().catch((e) => {
          // A bug, not a network failure: log it and keep the rhythm rather than stop for good.
          say(this._env, 'error', 'poll cycle failed', e);
          this._request = null;
          if (this._on && this._timer === null) this._schedule(this._interval());
        });
      }, delay);
    }

    async _poll() {
      if (!this._on || this._request) return;
      const channels = [...this._cursors.keys()].filter((name) => !this._refused.has(name));
      if (channels.length === 0) return; // idle until something (else) subscribes
      const sent = Object.fromEntries(this._cursors);
      // Cacheable channels (subscribe(..., {cacheable: true})) go one by one with the GET form, which
      // a CDN or proxy can answer from its cache; it has no wait, so such a cycle is a short poll.
      const cacheable = channels.filter((name) => this._client._isCacheable(name));
      const posted = channels.filter((name) => !this._client._isCacheable(name));
      // The first poll of a connection (and after a failure) never waits: its answer is what makes
      // the state "connected", which a held poll would delay by up to the whole wait.
      const wantsLong = this._opts.longPoll && cacheable.length === 0 && this._client._anyTabVisible();
      const long = wantsLong && this._client.state === 'connected';
      const request = {
        controller: this._env.AbortController ? new this._env.AbortController() : null,
        long,
        restart: false,
        dropped: false,
      };
      this._request = request;
      this._repoll = false;
      const started = this._env.now();
      let answers;
      try {
        answers = await Promise.all([
          ...chunks(posted, Math.max(1, this._opts.maxChannelsPerPoll)).map((names) => {
            const body = { channels: {} };
            for (const name of names) body.channels[name] = sent[name];
            const tokens = this._client._tokensFor(names);
            if (tokens) body.tokens = tokens;
            if (long) body.wait = LONG_POLL_WAIT_S;
            return this._http._send(this._opts.endpoint, { method: 'POST', body: JSON.stringify(body) },
              this._opts.timeout + (long ? LONG_POLL_WAIT_S * 1000 : 0), request.controller);
          }),
          ...cacheable.map((name) => this._http._send(cacheableUrl(this._opts.endpoint, name, sent[name]),
            { method: 'GET' }, this._opts.timeout, request.controller)),
        ]);
      } catch (error) {
        if (request.dropped) return;
        this._request = null;
        if (!this._on) return;
        if (request.restart) this._schedule(0);
        else if (channels.length === 1 && error && (error.status === 400 || error.status === 403)) {
          // A poll of one channel that the server refuses is that channel's refusal, not an outage:
          // tell the application and stop asking, instead of retrying with backoff for ever.
          this._refuse(channels[0], error.status, error.message);
          this._client._setState('connected');
          this._schedule(Math.max(this._interval(), this._notBefore - this._env.now()));
        } else this._failed(error);
        return;
      }
      if (request.dropped) return;
      this._request = null;
      if (!this._on) return;

      this._failures = 0;
      this._notBefore = 0;
      this._client._setState('connected');
      let more = false;
      let anything = false;
      for (const answer of answers) {
        const pages = answer && typeof answer === 'object' && answer.channels ? answer.channels : {};
        for (const [channel, page] of Object.entries(pages)) {
          if (!(channel in sent)) continue;
          if (page && typeof page === 'object' && page.error && typeof page.error === 'object') {
            this._refuse(channel, page.error.status, page.error.message);
            continue;
          }
          if (!validPage(page)) continue;
          // Follow lastId, unless a tab asked for an earlier cursor while this poll was in flight.
          // Subscriptions "from now" (in any tab) take their start from this page, so the next poll
          // must not continue from beyond it: a cursor that became null meanwhile (dropped and
          // subscribed again) or higher (a lastId subscription came) is lowered to lastId. Asking for
          // more is safe; each subscription skips what it has.
          const current = this._cursors.get(channel);
          if (current === sent[channel] || current === null || (current !== undefined && page.lastId < current)) {
            this._cursors.set(channel, page.lastId);
          }
          more = more || page.more === true;
          anything = anything || (Array.isArray(page.messages) && page.messages.length > 0);
          this._client._received(channel, page, sent[channel]);
        }
      }
      if (!this._on || this._timer !== null) return;
      let delay;
      if (more || this._repoll) delay = 0;
      else if (long) delay = !anything && this._env.now() - started < FAST_ANSWER_MS ? this._interval() : 0;
      else if (wantsLong) delay = 0; // connected now: start the first long poll at once
      else delay = this._interval();
      this._schedule(Math.max(delay, this._notBefore - this._env.now()));
    }

    _refuse(channel, status, message) {
      this._refused.add(channel);
      this._client._refused(channel, { channel, status: Number(status) || 0, message: String(message || '') });
    }

    _failed(error) {
      this._failures += 1;
      const attempt = this._failures;
      // Exponential backoff with "equal jitter": a delay in [ceiling/2, ceiling], so it grows while
      // tabs and clients that failed together do not retry together.
      const ceiling = Math.min(this._opts.maxBackoff, BACKOFF_BASE_MS * 2 ** Math.min(attempt - 1, 30));
      let delay = Math.round(ceiling / 2 + this._env.random() * (ceiling / 2));
      if (error && error.retryAfter != null) {
        delay = Math.max(delay, error.retryAfter);
        this._notBefore = this._env.now() + error.retryAfter;
      }
      const status = error && error.status;
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        say(this._env, 'error', 'the server refused the poll (HTTP ' + status + '): ' + error.message);
      } else if (attempt === 1) {
        say(this._env, 'warn', 'poll failed (' + (error && error.message) + '); retrying with backoff');
      }
      this._client._setState('reconnecting', { attempt, delay });
      this._schedule(delay);
    }
  }

  /**
   * Decides which tab polls (the Web Lock "<channelName>:leader"; without tab sharing this tab
   * always leads) and speaks the tabs' BroadcastChannel protocol (announce, bye, sync, page, state).
   */
  class TabLink {
    constructor(client, env, { tabId, channelName, shared, watcher }) {
      this._client = client;
      this._env = env;
      this._tabId = tabId;
      this._name = channelName;
      this._shared = shared;
      this._watcher = watcher;
      this._leader = false;
      this._release = null;            // resolves the lock callback's promise = gives the lock up
      this._lockAbort = null;          // cancels a lock request still waiting in the queue
      this._remote = new Map();        // leader: tab id -> {channels: {name: cursor}, visible}
      this._announceQueued = false;
      this._bc = null;
      if (shared) {
        this._bc = new env.BroadcastChannel(channelName);
        this._bc.onmessage = (event) => this._onBroadcast(event && event.data);
      }
    }

    /** True while this tab is the one polling for all tabs. */
    get _leads() {
      return this._leader;
    }

    /** True if another tab polls for this one (sharing, not leading): it must announce. */
    get _follows() {
      return this._shared && !this._leader;
    }

    /** Becomes the leader, or queues for the lock and tells the leader what this tab needs. */
    _start() {
      if (!this._shared) {
        this._lead(() => {});
        return;
      }
      const locks = this._env.navigator.locks;
      const controller = this._env.AbortController ? new this._env.AbortController() : null;
      this._lockAbort = controller;
      const lockOptions = controller ? { signal: controller.signal } : {};
      // The callback's promise is the lock: it stays pending (lock held) until _release() is called.
      Promise.resolve()
        .then(() => locks.request(this._name + ':leader', lockOptions,
          () => new Promise((resolve) => this._lead(resolve))))
        .catch((e) => {
          if (!e || e.name !== 'AbortError') say(this._env, 'error', 'lock request failed', e);
        });
      this._announceSoon();
    }

    /** Says bye, gives the lock back (or leaves the lock queue) and forgets the other tabs. */
    _stop() {
      if (this._bc) this._post({ type: 'bye' });
      if (this._lockAbort) this._lockAbort.abort();
      this._lockAbort = null;
      this._leader = false;
      this._remote.clear();
      const release = this._release;
      this._release = null;
      if (release) release();
    }

    /** Closes the BroadcastChannel (disconnect). */
    _close() {
      if (this._bc) this._bc.close();
    }

    _lead(release) {
      const client = this._client;
      if (client._closed || client._suspended || this._leader) {
        release();
        return;
      }
      this._leader = true;
      this._release = release;
      this._lockAbort = null;
      this._remote.clear();
      if (this._bc) this._post({ type: 'sync' });
      if (client.state !== 'connecting') this._postState();
      client._tookLead();
    }

    _post(message) {
      if (!this._bc || this._client._closed) return;
      try {
        this._bc.postMessage({ ...message, from: this._tabId });
      } catch (e) {
        this._client._warn('BroadcastChannel.postMessage failed', e);
      }
    }

    /** Leader: tells the followers the connection state. */
    _shareState(state, info) {
      if (this._leader && this._bc) this._post({ type: 'state', state, info });
    }

    _postState() {
      this._post({ type: 'state', state: this._client.state, info: this._client._stateInfo });
    }

    /** Follower: announces once after the current task (several subscribe() calls make one). */
    _announceSoon() {
      if (!this._shared || this._leader || this._announceQueued) return;
      this._announceQueued = true;
      Promise.resolve().then(() => {
        this._announceQueued = false;
        this._client._announce();
      });
    }

    /** Leader: is this tab or any follower visible? */
    _anyTabVisible() {
      if (this._watcher._visible()) return true;
      for (const tab of this._remote.values()) if (tab.visible) return true;
      return false;
    }

    /** Leader: the channels the followers announced (with repeats). */
    * _remoteChannels() {
      for (const tab of this._remote.values()) yield* Object.keys(tab.channels);
    }

    _onBroadcast(msg) {
      const client = this._client;
      // A suspended (frozen, bfcached) tab ignores everything; on resume it announces its cursors.
      if (!msg || typeof msg !== 'object' || msg.from === this._tabId || client._closed || client._suspended) return;
      switch (msg.type) {
        case 'announce': {
          if (!this._leader) return;
          const wasVisible = this._anyTabVisible();
          this._remote.set(msg.from, { channels: msg.channels || {}, visible: msg.visible !== false });
          this._postState();
          client._announced(msg.channels || {}, wasVisible, msg.tokens, msg.cacheable, msg.from);
          return;
        }
        case 'bye':
          client._forgetTab(msg.from);
          if (this._leader && this._remote.delete(msg.from)) client._prune();
          return;
        case 'sync':
          client._announce();
          return;
        case 'refused':
          if (!this._leader && typeof msg.channel === 'string' && msg.info && typeof msg.info === 'object') {
            client._refusedHere(msg.channel, msg.info);
          }
          break;
        case 'page':
          if (!this._leader && typeof msg.channel === 'string' && validPage(msg.page)) {
            client._dispatch(msg.channel, msg.page, msg.cursor);
          }
          return;
        case 'state':
          if (!this._leader && ['connecting', 'connected', 'reconnecting'].includes(msg.state)) {
            client._setState(msg.state, msg.info);
          }
          return;
        default:
      }
    }
  }

  /** Keeps this tab's presence: join and leave, heartbeats while joined, leave beacons on unload. */
  class PresenceKeeper {
    constructor(client, env, opts, http, session) {
      this._client = client;
      this._env = env;
      this._opts = opts;
      this._http = http;
      this._session = session;
      this._joined = new Map();        // channel -> {info, subs: Set<Subscription>}
      this._heartbeatTimer = null;
    }

    _join(sub, info) {
      if (!sub._active || this._client._closed) {
        return Promise.reject(new Error('cable: join() on an inactive subscription'));
      }
      let entry = this._joined.get(sub.channel);
      if (!entry) {
        entry = { info, subs: new Set() };
        this._joined.set(sub.channel, entry);
      }
      if (info !== undefined) entry.info = info;
      entry.subs.add(sub);
      this._startHeartbeat();
      return this._post('join', sub.channel, entry.info);
    }

    _leave(sub) {
      const entry = this._joined.get(sub.channel);
      if (!entry || !entry.subs.delete(sub)) return Promise.resolve(null);
      if (entry.subs.size > 0) return Promise.resolve(null);
      this._joined.delete(sub.channel);
      if (this._joined.size === 0) this._stopHeartbeat();
      return this._post('leave', sub.channel);
    }

    /** One page of the member list, POSTed: a channel token never goes into a URL (where logs and Referer headers keep it). */
    _users(channel, page) {
      return this._post('users', channel, undefined, page);
    }

    /** An unsubscribed subscription leaves if it had joined. */
    _forget(sub) {
      const entry = this._joined.get(sub.channel);
      if (entry && entry.subs.has(sub)) this._leave(sub).catch((e) => this._client._warn('presence leave failed', e));
    }

    /** disconnect(): leaves every joined channel and stops the heartbeats. */
    _leaveAll() {
      for (const channel of this._joined.keys()) {
        this._post('leave', channel).catch(() => {});
      }
      this._joined.clear();
      this._stopHeartbeat();
    }

    /** Suspended (pagehide, freeze): no heartbeats. */
    _pause() {
      this._stopHeartbeat();
    }

    /**
     * Resumed, or connected again after an outage: joins the joined channels again, with their info
     * (pagehide left them; the session may have expired, or the server lost it while it was down).
     */
    _rejoin() {
      if (this._joined.size === 0) return;
      for (const channel of this._joined.keys()) this._rejoinChannel(channel);
      this._startHeartbeat();
    }

    /** Joins again; a refusal (401: the caller is no longer known) goes to the joined subscriptions as 'error'. */
    _rejoinChannel(channel) {
      const entry = this._joined.get(channel);
      if (!entry || this._client._closed) return;
      this._post('join', channel, entry.info).catch((e) => {
        this._client._warn('presence join failed', e);
        if (e.status >= 400 && e.status < 500) {
          for (const sub of entry.subs) sub._emitSpecial('error', { channel, status: e.status, message: e.message, presence: true });
        }
      });
    }

    /**
     * pagehide: leave every joined channel with a request that survives the page. sendBeacon cannot
     * carry headers, so with configured headers (CSRF, auth) it is fetch keepalive instead.
     */
    _leaveOnUnload() {
      if (this._client._closed || this._client._suspended) return;
      const env = this._env;
      const headers = this._http._headersNow();
      const beacon = Object.keys(headers).length === 0 && env.navigator && typeof env.navigator.sendBeacon === 'function'
        && typeof env.Blob === 'function';
      for (const channel of this._joined.keys()) {
        const url = this._opts.presenceEndpoint + '/leave';
        const body = this._body(channel);
        try {
          if (beacon && env.navigator.sendBeacon(url, new env.Blob([body], { type: 'application/json' }))) continue;
          if (typeof env.fetch === 'function') {
            Promise.resolve(env.fetch(url, {
              method: 'POST',
              keepalive: true,
              credentials: this._opts.credentials,
              headers: { ...headers, 'Content-Type': 'application/json' },
              body,
            })).catch(() => {});
          }
        } catch (e) {
          // the page is going away; nothing useful to do
        }
      }
    }

    _body(channel, info, page) {
      const body = { ...page, channel, session: this._session };
      if (info !== undefined) body.info = info;
      const token = this._client._tokens.get(channel);
      if (token !== undefined) body.token = token;
      return JSON.stringify(body);
    }

    _post(action, channel, info, page) {
      return this._http._send(this._opts.presenceEndpoint + '/' + action,
        { method: 'POST', body: this._body(channel, info, page) }, this._opts.timeout, null);
    }

    _startHeartbeat() {
      if (this._heartbeatTimer !== null || this._client._suspended || this._client._closed) return;
      const beat = () => {
        this._heartbeatTimer = this._env.setTimeout(() => {
          for (const channel of this._joined.keys()) {
            this._post('heartbeat', channel).catch((e) => {
              this._client._warn('presence heartbeat failed', e);
              // The server no longer knows this session or caller (it restarted, the session expired,
              // the login was renewed): join again with the info, rather than heartbeat into the void.
              if (e && (e.status === 401 || e.status === 404)) this._rejoinChannel(channel);
            });
          }
          beat();
        }, this._opts.heartbeatInterval);
      };
      beat();
    }

    _stopHeartbeat() {
      if (this._heartbeatTimer !== null) this._env.clearTimeout(this._heartbeatTimer);
      this._heartbeatTimer = null;
    }
  }

  /** Watches the page's lifecycle (visibility, online, pagehide, freeze, resume, pageshow). */
  class PageWatcher {
    constructor(client, env) {
      this._env = env;
      this._listeners = [];
      this._listen(env.document, 'visibilitychange', () => client._visibilityChanged());
      this._listen(env.document, 'freeze', () => client._suspend());
      this._listen(env.document, 'resume', () => client._resume());
      this._listen(env.window, 'online', () => client._online());
      this._listen(env.window, 'pagehide', () => client._pageHidden());
      this._listen(env.window, 'pageshow', (event) => {
        if (event && event.persisted) client._resume();
      });
    }

    /** Is this page visible? (Without a document: yes.) */
    _visible() {
      const doc = this._env.document;
      return !doc || doc.visibilityState !== 'hidden';
    }

    /** Removes every listener (disconnect). */
    _detach() {
      for (const { target, type, fn } of this._listeners) target.removeEventListener(type, fn);
    }

    _listen(target, type, fn) {
      if (!target || typeof target.addEventListener !== 'function') return;
      target.addEventListener(type, fn);
      this._listeners.push({ target, type, fn });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The client
  // ---------------------------------------------------------------------------------------------

  /**
   * What cable.connect() returns: the public API and the connection state, and the coordinator
   * that owns the parts above and passes what one of them learns to the others.
   */
  class Client {
    constructor(options) {
      /** This tab's channel tokens (docs/protocol.md): subscribe(..., {token}), setToken(), getToken. */
      this._tokens = new Map();
      /** Leader: each follower tab's tokens (tab id -> Map channel -> token); the freshest is used. */
      this._remoteTokens = new Map();
      this._tokenTimers = new Map();   // channel -> timer refreshing this tab's token before it expires
      this._tokenAsked = new Map();    // channel -> when getToken was last asked because of a refusal
      /** Public channels to poll with the cacheable GET form, from subscribe(..., {cacheable: true}). */
      this._cacheable = new Set();
      options = options || {};
      const env = resolveEnv(options.env);
      this._env = env;
      this._opts = resolveOptions(options);
      const canShare = Boolean(env.navigator && env.navigator.locks && typeof env.navigator.locks.request === 'function'
        && typeof env.BroadcastChannel === 'function');

      const tabId = randomId(env);
      this._session = randomId(env).slice(0, 64);
      this._state = 'connecting';
      this._stateInfo = undefined;
      this._stateListeners = new Set();
      this._errorListeners = new Set();
      this._closed = false;
      this._suspended = false;          // pagehide or freeze until resume or pageshow

      const http = new Http(env, this._opts);
      this._dispatcher = new Dispatcher(env);
      this._presence = new PresenceKeeper(this, env, this._opts, http, this._session);
      // The store lost or trimmed the channel: its presence may be gone with it.
      this._dispatcher._onReset = (channel) => this._presence._rejoinChannel(channel);
      this._poller = new Poller(this, env, this._opts, http);
      this._watcher = new PageWatcher(this, env);
      this._tabs = new TabLink(this, env, {
        tabId,
        channelName: this._opts.channelName,
        shared: canShare && options.shareTabs !== false,
        watcher: this._watcher,
      });
      this._tabs._start();
    }

    // ----- public API ----------------------------------------------------------------------------

    /** connecting | connected | reconnecting | disconnected */
    get state() {
      return this._state;
    }

    /** This tab's presence session id. */
    get session() {
      return this._session;
    }

    /** True while this tab is the one polling for all tabs (always true without tab sharing). */
    get isLeader() {
      return this._tabs._leads;
    }

    /**
     * Listens to client events: 'state' `fn(state, info)`, and 'error' `fn({channel, status, message})`
     * when the server refuses one channel (400: an invalid name, 403: a private channel without a
     * valid token or consent). A refused channel is not polled again until it is subscribed again or
     * gets a new token; the other channels go on.
     * @returns {this}
     */
    on(event, fn) {
      if (event !== 'state' && event !== 'error') {
        throw new TypeError('cable: unknown client event "' + event + '" (use "state" or "error")');
      }
      if (typeof fn !== 'function') throw new TypeError('cable: the ' + event + ' listener must be a function');
      (event === 'state' ? this._stateListeners : this._errorListeners).add(fn);
      return this;
    }

    /** @returns {this} */
    off(event, fn) {
      if (event === 'state') this._stateListeners.delete(fn);
      if (event === 'error') this._errorListeners.delete(fn);
      return this;
    }

    /**
     * Calls `fn(state, info)` on every state change.
     * @returns {() => void} removes the listener
     */
    onStateChange(fn) {
      this.on('state', fn);
      return () => this._stateListeners.delete(fn);
    }

    /**
     * Subscribes to a channel.
     * @param {string} channel
     * @param {Object<string, Function>} [handlers] {eventName: fn(payload, message)}
     * @param {{lastId?: number, history?: boolean, token?: string, cacheable?: boolean}} [opts] start
     *   after lastId, or (history) from the oldest retained event; by default from now. `token`: the
     *   channel token a private channel needs (issued by server code), sent with polls and presence
     *   requests. `cacheable`: poll this public channel (cable.public-channels on the server) with the
     *   GET form a CDN or reverse proxy can cache; cycles that include one are short polls
     * @returns {Subscription}
     */
    subscribe(channel, handlers, opts) {
      opts = opts || {};
      if (this._closed) throw new Error('cable: subscribe() after disconnect()');
      if (!validChannelName(channel)) {
        throw new TypeError('cable: invalid channel name ' + JSON.stringify(channel)
          + ' (1-255 characters, no control characters)');
      }
      let cursor = null;
      if (opts.lastId !== undefined && opts.lastId !== null) {
        cursor = Number(opts.lastId);
        if (!isCursor(cursor)) throw new TypeError('cable: lastId must be an integer from 0 to 2^53-1');
      } else if (opts.history) {
        cursor = 0;
      } else {
        cursor = this._dispatcher._seenAt(channel); // "from now": this tab's newest position, if recent
      }
      if (opts.token !== undefined && opts.token !== null) this._keepToken(channel, String(opts.token));
      if (opts.cacheable === true) this._cacheable.add(channel);
      const sub = new Subscription(this, channel, cursor);
      for (const [event, fn] of Object.entries(handlers || {})) sub.on(event, fn);
      this._dispatcher._add(sub);
      if (this._tabs._leads) {
        this._poller._want(channel, cursor);
        this._poller._pollSoon(true);
      } else {
        this._tabs._announceSoon();
      }
      return sub;
    }

    /** Stops polling, leaves presence, gives up the leadership; subscriptions go inactive. */
    disconnect() {
      if (this._closed) return;
      this._presence._leaveAll();
      this._stop();
      this._closed = true;
      for (const timer of this._tokenTimers.values()) this._env.clearTimeout(timer);
      this._tokenTimers.clear();
      this._tabs._close();
      this._watcher._detach();
      this._dispatcher._clear();
      this._setState('disconnected');
    }

    // ----- state ---------------------------------------------------------------------------------

    _setState(state, info) {
      const same = state === this._state
        && (state !== 'reconnecting' || (info && this._stateInfo && info.attempt === this._stateInfo.attempt));
      if (same) return;
      // Back after an outage: the server may have lost this tab's presence (a restart, an expiry).
      if (state === 'connected' && this._state === 'reconnecting' && !this._suspended) this._presence._rejoin();
      this._state = state;
      this._stateInfo = info;
      if (state !== 'disconnected') this._tabs._shareState(state, info);
      for (const fn of [...this._stateListeners]) {
        callSafely((what, e) => say(this._env, 'error', 'a state listener threw', e),
          'state listener', fn, state, info);
      }
    }

    // ----- coordination: what one part tells the others ------------------------------------------

    /** Stops polling and gives the leadership up. */
    _stop() {
      this._poller._end();
      this._tabs._stop();
    }

    /** TabLink: this tab leads now; it polls its own channels from its own cursors. */
    _tookLead() {
      this._poller._begin(this._dispatcher._cursorMap());
    }

    /** Follower: tells the leader this tab's channels, cursors and visibility. */
    _announce() {
      if (!this._tabs._follows || this._closed || this._suspended) return;
      const channels = Object.fromEntries(this._dispatcher._cursorMap());
      this._post({
        type: 'announce', channels, tokens: Object.fromEntries(this._tokens), cacheable: [...this._cacheable],
        visible: this._watcher._visible(),
      });
    }

    _post(message) {
      this._tabs._post(message);
    }

    /** Poll this channel with the cacheable GET form? Never one with a token: that is private. */
    _isCacheable(channel) {
      return this._cacheable.has(channel) && this._tokenFor(channel) === undefined;
    }

    /** The freshest token any tab holds for the channel (latest `exp`), or undefined. */
    _tokenFor(channel) {
      let best;
      let bestExp = -1;
      const consider = (token) => {
        if (token === undefined) return;
        const exp = tokenExpiry(token);
        if (exp > bestExp) {
          best = token;
          bestExp = exp;
        }
      };
      consider(this._tokens.get(channel));
      for (const tokens of this._remoteTokens.values()) consider(tokens.get(channel));
      return best;
    }

    /** The tokens of these channels as {channel: token}, or null if none has one. */
    _tokensFor(channels) {
      let tokens = null;
      for (const name of channels) {
        const token = this._tokenFor(name);
        if (token !== undefined) (tokens = tokens || {})[name] = token;
      }
      return tokens;
    }

    /** Keeps this tab's token of a channel and, with getToken, refreshes it before it expires. */
    _keepToken(channel, token) {
      this._tokens.set(channel, token);
      const timer = this._tokenTimers.get(channel);
      if (timer !== undefined) this._env.clearTimeout(timer);
      this._tokenTimers.delete(channel);
      const exp = tokenExpiry(token);
      if (!this._opts.getToken || exp <= 0) return;
      const left = exp * 1000 - this._env.now();
      // a minute before it expires, or at 80 % of a shorter life
      const delay = Math.max(0, left - Math.min(TOKEN_REFRESH_MARGIN_MS, left * 0.2));
      this._tokenTimers.set(channel, this._env.setTimeout(() => {
        this._tokenTimers.delete(channel);
        this._refreshToken(channel).catch((e) => this._warn('getToken("' + channel + '") failed', e));
      }, delay));
    }

    /** Asks getToken for a new token of a channel this tab subscribes to; true if it brought one. */
    async _refreshToken(channel) {
      if (!this._opts.getToken || this._closed || !this._dispatcher._has(channel)) return false;
      const token = await this._opts.getToken(channel);
      if (typeof token !== 'string' || token === '' || token === this._tokens.get(channel)
        || this._closed || !this._dispatcher._has(channel)) return false;
      this._setToken(channel, token);
      return true;
    }

    /** Subscription.setToken, getToken: a new token for the channel; a refused channel is asked again. */
    _setToken(channel, token) {
      this._keepToken(channel, token);
      if (this._tabs._leads) {
        this._poller._want(channel, this._dispatcher._cursorOf(channel));
        this._poller._pollSoon(true);
      } else {
        this._tabs._announceSoon();
      }
    }

    /** Unsubscribe: a channel this tab no longer subscribes to keeps no token here. */
    _forgetToken(channel) {
      if (this._dispatcher._has(channel)) return;
      this._tokens.delete(channel);
      const timer = this._tokenTimers.get(channel);
      if (timer !== undefined) this._env.clearTimeout(timer);
      this._tokenTimers.delete(channel);
    }

    /** Leader, TabLink: a follower tab closed; its tokens go with it. */
    _forgetTab(tabId) {
      this._remoteTokens.delete(tabId);
    }

    /** Leader, TabLink: a follower announced `channels` ({name: cursor}), their tokens, which are cacheable. */
    _announced(channels, wasVisible, tokens, cacheable, from) {
      const own = new Map();
      for (const [channel, token] of Object.entries(tokens || {})) {
        if (typeof token === 'string') own.set(channel, token);
      }
      if (from !== undefined) this._remoteTokens.set(from, own);
      for (const channel of Array.isArray(cacheable) ? cacheable : []) {
        if (typeof channel === 'string') this._cacheable.add(channel);
      }
      let changed = false;
      for (const [channel, cursor] of Object.entries(channels)) {
        if (isCursor(cursor) && this._poller._want(channel, cursor)) changed = true;
      }
      this._prune();
      if (!wasVisible && this._tabs._anyTabVisible()) this._poller._pollNow();
      else if (changed) this._poller._pollSoon(true);
    }

    /** Leader: forgets the cursors of channels no tab needs any more. */
    _prune() {
      const needed = new Set(this._dispatcher._channels());
      for (const channel of this._tabs._remoteChannels()) needed.add(channel);
      this._poller._retain(needed);
    }

    _anyTabVisible() {
      return this._tabs._anyTabVisible();
    }

    /** Leader, Poller: a page arrived; it goes to the followers and to this tab. */
    _received(channel, page, sent) {
      this._tabs._post({ type: 'page', channel, cursor: sent, page });
      this._dispatcher._dispatch(channel, page, sent);
    }

    /** Leader, Poller: the server refused a channel; the followers and this tab hear of it. */
    _refused(channel, info) {
      this._tabs._post({ type: 'refused', channel, info });
      this._refusedHere(channel, info);
    }

    /**
     * A refused channel. With getToken, a 403 first asks for a fresh token (at most once per
     * TOKEN_RETRY_MS and channel, so a token the server keeps refusing is reported, not looped on);
     * otherwise, or if that brings none, this tab's subscriptions of it and 'error' listeners hear it.
     */
    _refusedHere(channel, info) {
      const asked = this._tokenAsked.get(channel);
      if (info.status === 403 && this._opts.getToken && this._dispatcher._has(channel)
        && (asked === undefined || this._env.now() - asked > TOKEN_RETRY_MS)) {
        this._tokenAsked.set(channel, this._env.now());
        this._refreshToken(channel).then((renewed) => {
          if (!renewed) this._reportRefusal(channel, info);
        }, (e) => {
          this._warn('getToken("' + channel + '") failed', e);
          this._reportRefusal(channel, info);
        });
        return;
      }
      this._reportRefusal(channel, info);
    }

    _reportRefusal(channel, info) {
      say(this._env, 'error', 'the server refused channel "' + channel + '" (HTTP ' + info.status + '): ' + info.message);
      this._dispatcher._refuseAll(channel, info);
      for (const fn of [...this._errorListeners]) {
        callSafely((what, e) => say(this._env, 'error', 'an error listener threw', e),
          'error listener', fn, info);
      }
    }

    /** Follower, TabLink: the leader broadcast a page. */
    _dispatch(channel, page, sent) {
      this._dispatcher._dispatch(channel, page, sent);
    }

    // ----- page lifecycle (PageWatcher) ----------------------------------------------------------

    _visibilityChanged() {
      if (this._tabs._leads) {
        if (this._watcher._visible()) this._poller._pollNow();
      } else {
        this._announce();
      }
    }

    _online() {
      this._poller._pollNow();
    }

    _pageHidden() {
      this._presence._leaveOnUnload();
      this._suspend();
    }

    /** pagehide or freeze: a hidden-away page must not hold the lock (it could not poll). */
    _suspend() {
      if (this._suspended || this._closed) return;
      this._suspended = true;
      this._presence._pause();
      this._stop();
    }

    /**
     * Back from freeze or from the back/forward cache: join the joined channels again (pagehide
     * left them; after a freeze the session may have expired) and queue for the lock.
     */
    _resume() {
      if (!this._suspended || this._closed) return;
      this._suspended = false;
      this._presence._rejoin();
      this._tabs._start();
    }

    // ----- called by Subscription ----------------------------------------------------------------

    _unsubscribe(sub) {
      this._dispatcher._remove(sub);
      this._forgetToken(sub.channel);
      this._presence._forget(sub);
      if (this._closed) return;
      if (this._tabs._leads) this._prune();
      else this._tabs._announceSoon();
    }

    _join(sub, info) {
      return this._presence._join(sub, info);
    }

    _leave(sub) {
      return this._presence._leave(sub);
    }

    _users(channel, page) {
      return this._presence._users(channel, page);
    }

    _logHandlerError(channel, what, error) {
      say(this._env, 'error', what + ' of channel "' + channel + '" threw', error);
    }

    _warn(what, error) {
      say(this._env, 'warn', what, error);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sounds
  // ---------------------------------------------------------------------------------------------

  // Browsers refuse audio before the user interacted with the page. Until then the latest sound is
  // queued (older ones would only be noise by now) and played on the first interaction.
  const sound = { unlocked: false, queued: null, listening: false };
  const INTERACTIONS = ['pointerdown', 'keydown', 'touchstart'];

  function playNow(url, volume) {
    if (typeof globalThis.Audio !== 'function') return;
    try {
      const audio = new globalThis.Audio(url);
      audio.volume = volume;
      const played = audio.play();
      if (played && typeof played.catch === 'function') played.catch(() => {});
    } catch (e) {
      // an unsupported URL or format: sounds are a nicety, never an error
    }
  }

  function onInteraction() {
    sound.unlocked = true;
    const doc = globalThis.document;
    if (doc) for (const type of INTERACTIONS) doc.removeEventListener(type, onInteraction, true);
    sound.listening = false;
    const queued = sound.queued;
    sound.queued = null;
    if (queued) playNow(queued.url, queued.volume); // still inside the user's gesture
  }

  function listenForInteraction() {
    const doc = globalThis.document;
    if (sound.listening || sound.unlocked || !doc || typeof doc.addEventListener !== 'function') return;
    sound.listening = true;
    for (const type of INTERACTIONS) doc.addEventListener(type, onInteraction, { capture: true, passive: true });
  }

  /**
   * Plays a sound, or queues it until the first user interaction (only the latest queued sound
   * plays then). Never throws, never rejects.
   * @param {string} url
   * @param {number} [volume] 0 to 1 (clamped), default 1
   */
  function playSound(url, volume = 1) {
    let v = Number(volume);
    if (!Number.isFinite(v)) v = 1;
    v = Math.min(1, Math.max(0, v));
    const nav = globalThis.navigator;
    if (!sound.unlocked && nav && nav.userActivation && nav.userActivation.hasBeenActive) sound.unlocked = true;
    if (!sound.unlocked && globalThis.document) {
      sound.queued = { url, volume: v };
      listenForInteraction();
      return;
    }
    playNow(url, v);
  }

  listenForInteraction();

  // ---------------------------------------------------------------------------------------------
  // The global
  // ---------------------------------------------------------------------------------------------

  const cable = Object.freeze({
    version: VERSION,
    /**
     * Creates a client; see docs/client.md for the options.
     * @param {object} [options]
     * @returns {Client}
     */
    connect(options) {
      return new Client(options);
    },
    playSound,
  });

  // Loaded twice (a <script> tag and an import of cable.mjs)? Keep the first: one poller per page.
  if (!(globalThis.cable && typeof globalThis.cable.connect === 'function' && globalThis.cable.version)) {
    globalThis.cable = cable;
  }
})();
