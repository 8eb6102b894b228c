// Hand-written fakes for the cable.js tests: clock, fetch, a poll server that follows
// docs/protocol.md, document, BroadcastChannel, Web Locks. No npm packages.

import { pathToFileURL } from 'node:url';

// CABLE_CLIENT=path runs the suite against another build of the client (Maven runs it on the
// minified one too); by default the source.
await import(process.env.CABLE_CLIENT ? pathToFileURL(process.env.CABLE_CLIENT).href
  : '../../main/resources/META-INF/resources/cable.js');

/** True when the suite runs on the minified build, whose internals have other names. */
export const MINIFIED = Boolean(process.env.CABLE_CLIENT);

export const cable = globalThis.cable;

/** Lets every pending promise chain run (the fakes only use microtasks). */
/** A small seeded random generator (mulberry32): the seeded runs replay exactly from their seed. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function flush() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A manual clock: timers run only inside advance(). */
export function createClock(start = 1_700_000_000_000) {
  let now = start;
  let seq = 0;
  const timers = new Map();
  const clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, Number(ms) || 0), fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers.delete(id);
    },
    /** Delays (from now) of the pending timers, soonest first. */
    pending: () => [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b),
    /** Runs every timer due within `ms`, in order, letting promises settle after each. */
    async advance(ms = 0) {
      const end = now + ms;
      await flush();
      for (;;) {
        let next = null;
        for (const t of timers.values()) {
          if (t.at <= end && (next === null || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
        }
        if (next === null) break;
        timers.delete(next.id);
        now = next.at;
        next.fn();
        await flush();
      }
      now = end;
      await flush();
    },
  };
  return clock;
}

export function abortError() {
  const e = new Error('The operation was aborted.');
  e.name = 'AbortError';
  return e;
}

/** A fetch Response look-alike. */
export function response({ status = 200, body, headers = {} } = {}) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (name) => lower[name.toLowerCase()] ?? null },
    text: async () => text,
    json: async () => JSON.parse(text),
  };
}

/**
 * A fake fetch; `route(call)` returns {status, body, headers}, a promise of it, or throws (network
 * error). Every call is recorded with its parsed JSON body and the clock time.
 */
export function createFetch(route, clock) {
  const calls = [];
  const fetch = (url, init = {}) => {
    const call = {
      url,
      method: init.method || 'GET',
      headers: init.headers || {},
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      init,
      at: clock ? clock.now() : undefined,
    };
    calls.push(call);
    return new Promise((resolve, reject) => {
      const signal = init.signal;
      if (signal && signal.aborted) return reject(abortError());
      if (signal) signal.addEventListener('abort', () => reject(abortError()));
      Promise.resolve()
        .then(() => route(call))
        .then((spec) => resolve(response(spec)), reject);
    });
  };
  fetch.calls = calls;
  fetch.polls = () => calls.filter((c) => c.url.split('?')[0].endsWith('/poll'));
  return fetch;
}

/** An in-memory Cable server: poll with the cursor rules of docs/protocol.md, and presence. */
export class FakeServer {
  constructor({ maxMessages = 100 } = {}) {
    this.maxMessages = maxMessages;
    this.channels = new Map();
    this.presence = [];
    this.members = new Map();
    this.nextBase = 1_795_637_480_342_000;
  }

  emit(channel, event, payload = null) {
    let ch = this.channels.get(channel);
    if (!ch) {
      ch = { base: this.nextBase, head: this.nextBase, messages: [] };
      this.nextBase += 1_000_000;
      this.channels.set(channel, ch);
    }
    const id = ++ch.head;
    ch.messages.push({ id, event, payload, created_at: new Date(0).toISOString() });
    return id;
  }

  lastId(channel) {
    const ch = this.channels.get(channel);
    return ch ? ch.head : 0;
  }

  /** Retention: drops the messages with id < keepFrom. */
  trim(channel, keepFrom) {
    const ch = this.channels.get(channel);
    ch.messages = ch.messages.filter((m) => m.id >= keepFrom);
  }

  page(channel, cursor) {
    const ch = this.channels.get(channel);
    if (!ch) return { messages: [], lastId: 0, more: false, reset: cursor !== null && cursor !== 0 };
    if (cursor === null) return { messages: [], lastId: ch.head, more: false, reset: false };
    const c = cursor === 0 ? ch.base : cursor;
    const oldest = () => {
      const messages = ch.messages.filter((m) => m.id > ch.base).slice(0, this.maxMessages);
      const lastId = messages.length ? messages[messages.length - 1].id : ch.head;
      return { messages, lastId, more: lastId < ch.head, reset: true };
    };
    if (c < ch.base || c > ch.head) return oldest();
    if (c === ch.head) return { messages: [], lastId: c, more: false, reset: false };
    const messages = ch.messages.filter((m) => m.id > c).slice(0, this.maxMessages);
    if (messages.length === 0 || messages[0].id !== c + 1) return oldest();
    const lastId = messages[messages.length - 1].id;
    return { messages, lastId, more: lastId < ch.head, reset: false };
  }

  /** Refuses a channel from now on like the real server: an error entry, or 4xx when nothing else is asked. */
  refuse(channel, status = 403, message = 'channel \'' + channel + '\' is private') {
    (this.refusals ||= new Map()).set(channel, { status, message });
  }

  poll(body) {
    const channels = {};
    for (const [name, cursor] of Object.entries(body.channels)) {
      const refusal = this.refusals && this.refusals.get(name);
      channels[name] = refusal ? { error: refusal } : this.page(name, cursor);
    }
    return { channels };
  }

  /** The whole answer to a POST poll: 200, or the refusal when every channel is refused. */
  answerPoll(body) {
    const names = Object.keys(body.channels);
    if (this.refusals && names.length > 0 && names.every((n) => this.refusals.has(n))) {
      const first = this.refusals.get(names[0]);
      return { status: first.status, body: { error: first.message } };
    }
    return { status: 200, body: this.poll(body) };
  }

  /** A route for createFetch. */
  handle(call) {
    if (call.url.split('?')[0].endsWith('/poll')) {
      if (this.hook) {
        const override = this.hook(call);
        if (override) return override;
      }
      if (call.method === 'GET') { // the cacheable form: ?channel=..&after=..
        const query = new URLSearchParams(call.url.split('?')[1]);
        const after = query.has('after') ? Number(query.get('after')) : null;
        return { status: 200, body: { channels: { [query.get('channel')]: this.page(query.get('channel'), after) } } };
      }
      return this.answerPoll(call.body);
    }
    this.presence.push(call);
    return { status: 200, body: { users: [], count: 0 } };
  }
}

/** A document with visibility, querySelectorAll over registered fake elements, and events. */
export function createDocument() {
  const doc = new EventTarget();
  doc.visibilityState = 'visible';
  doc.elements = {};
  doc.querySelectorAll = (selector) => doc.elements[selector] || [];
  /** Registers an element for a selector; counts writes of innerHTML / textContent. */
  doc.element = (selector) => {
    const el = { writes: 0, _html: '', _text: '' };
    Object.defineProperty(el, 'innerHTML', {
      get: () => el._html,
      set: (v) => { el._html = v; el.writes++; },
    });
    Object.defineProperty(el, 'textContent', {
      get: () => el._text,
      set: (v) => { el._text = v; el.writes++; },
    });
    (doc.elements[selector] ||= []).push(el);
    return el;
  };
  doc.setVisibility = (state) => {
    doc.visibilityState = state;
    doc.dispatchEvent(new Event('visibilitychange'));
  };
  return doc;
}

/** BroadcastChannels that talk to each other (not to themselves), delivering asynchronously. */
export function createBroadcastHub() {
  const members = new Set();
  const log = [];
  class FakeBroadcastChannel {
    constructor(name) {
      this.name = name;
      this.onmessage = null;
      this.closed = false;
      members.add(this);
    }

    postMessage(data) {
      if (this.closed) throw new Error('InvalidStateError: channel closed');
      log.push(structuredClone(data));
      for (const other of members) {
        if (other === this || other.name !== this.name) continue;
        const copy = structuredClone(data);
        queueMicrotask(() => {
          if (!other.closed && other.onmessage) other.onmessage({ data: copy });
        });
      }
    }

    close() {
      this.closed = true;
      members.delete(this);
    }
  }
  return { BroadcastChannel: FakeBroadcastChannel, log };
}

/** navigator.locks: exclusive locks granted in request order; forceRelease() = the holder crashed. */
export function createLocks() {
  const queues = new Map();
  const queue = (name) => {
    if (!queues.has(name)) queues.set(name, { held: null, waiting: [] });
    return queues.get(name);
  };
  const grant = (name) => {
    const q = queue(name);
    if (q.held || q.waiting.length === 0) return;
    const entry = q.waiting.shift();
    q.held = entry;
    Promise.resolve()
      .then(() => entry.callback({ name, mode: 'exclusive' }))
      .then((value) => release(name, entry, () => entry.resolve(value)),
        (error) => release(name, entry, () => entry.reject(error)));
  };
  const release = (name, entry, settle) => {
    const q = queue(name);
    if (q.held === entry) {
      q.held = null;
      grant(name);
    }
    settle();
  };
  return {
    request(name, options, callback) {
      if (typeof options === 'function') {
        callback = options;
        options = {};
      }
      return new Promise((resolve, reject) => {
        const q = queue(name);
        const entry = { callback, resolve, reject, tag: options.tag };
        const signal = options.signal;
        if (signal) {
          if (signal.aborted) return reject(abortError());
          signal.addEventListener('abort', () => {
            const i = q.waiting.indexOf(entry);
            if (i >= 0) {
              q.waiting.splice(i, 1);
              reject(abortError());
            }
          });
        }
        q.waiting.push(entry);
        grant(name);
      });
    },
    waiting: (name) => queue(name).waiting.length,
    isHeld: (name) => queue(name).held !== null,
    /** The holder's tab died: the browser releases its locks. */
    forceRelease(name) {
      queue(name).held = null;
      grant(name);
    },
  };
}

/** A console that records instead of printing. */
export function createConsole() {
  const logs = { error: [], warn: [] };
  return {
    logs,
    console: { error: (...args) => logs.error.push(args), warn: (...args) => logs.warn.push(args) },
  };
}

let tabCounter = 0;

/**
 * One browser tab running cable.js against `server`. Shared things (clock, hub, locks) are passed
 * in for multi-tab tests. `latency` delays every answer by that many clock ms. `kill()` makes the
 * tab vanish like a crashed/closed tab: its timers and pending answers never fire, its channel
 * closes, the browser releases its lock.
 */
export function createTab({
  server = new FakeServer(),
  clock = createClock(),
  hub = null,
  locks = null,
  options = {},
  route = null,
  latency = 0,
  random = () => 0.5,
  navigator = {},
} = {}) {
  const id = ++tabCounter;
  let dead = false;
  const document = createDocument();
  const window = new EventTarget();
  const { console, logs } = createConsole();
  const setTimeout = (fn, ms) => clock.setTimeout(() => {
    if (!dead) fn();
  }, ms);
  const answer = route || ((call) => server.handle(call));
  const fetch = createFetch((call) => {
    const result = answer(call); // the server answers at request time ...
    if (!latency) return result;
    return new Promise((resolve, reject) => {
      // ... and the answer arrives `latency` ms later, or never if the tab died meanwhile.
      clock.setTimeout(() => {
        if (!dead) Promise.resolve(result).then(resolve, reject);
      }, latency);
    });
  }, clock);
  const bcs = [];
  const BroadcastChannel = hub
    ? class extends hub.BroadcastChannel {
      constructor(name) {
        super(name);
        bcs.push(this);
      }
    }
    : undefined;
  const nav = { ...navigator, ...(locks ? { locks } : {}) };
  let uuid = 0;
  const env = {
    fetch,
    setTimeout,
    clearTimeout: clock.clearTimeout,
    now: clock.now,
    random,
    document,
    window,
    navigator: nav,
    BroadcastChannel,
    console,
    crypto: { randomUUID: () => `tab${id}-${++uuid}` },
    AbortController,
    Blob,
  };
  const client = cable.connect({ env, ...options });
  return {
    id,
    client,
    clock,
    server,
    fetch,
    document,
    window,
    logs,
    env,
    kill(lockName = 'cable:leader') {
      dead = true;
      for (const bc of bcs) bc.close();
      if (locks) locks.forceRelease(lockName);
    },
  };
}

/** Records what a subscription dispatches: [event, payload, id]. */
export function recorder() {
  const seen = [];
  const on = (event) => (payload, message) => seen.push([event, payload, message && message.id]);
  return { seen, on, ids: () => seen.map((s) => s[2]) };
}
