// Model-based test of cable.js against the fake server: seeded random runs of subscribe /
// unsubscribe / resubscribe / publish / outage / tab open, crash and close (leader hand-over) /
// token expiry and signing-key rotation on a private channel, with answers in flight, then one
// invariant: every event published after a subscription started is delivered to it exactly once,
// in order (no reset is due: nothing is trimmed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroadcastHub, createClock, createLocks, createTab, FakeServer, mulberry32 } from './fakes.mjs';

const RUNS = Number(process.env.CABLE_MODEL_RUNS || 2000);
const FIRST_SEED = Number(process.env.CABLE_MODEL_SEED || 20261202);

async function run(seed) {
  const rnd = mulberry32(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const server = new FakeServer();
  const clock = createClock();
  const hub = createBroadcastHub();
  const locks = createLocks();
  const PRIVATE = 'private-p';
  const channels = ['a', 'b', 'c', PRIVATE];
  for (const ch of channels) server.emit(ch, 'm', 'before');
  let seq = 0;
  let outage = false;
  // The private channel's tokens, as ChannelTokens issues them: base64url(claims) "." key. The
  // server accepts one signed with the current key whose exp has not passed.
  let signingKey = 1;
  let tokens = 0;
  const lifetime = pick([45, 120, 600]); // seconds
  const issue = (channel) => {
    const claims = { ch: channel, exp: Math.floor(clock.now() / 1000) + lifetime, n: ++tokens };
    return Buffer.from(JSON.stringify(claims)).toString('base64url') + '.key' + signingKey;
  };
  const accepts = (token) => {
    if (typeof token !== 'string') return false;
    const [claims, key] = token.split('.');
    return key === 'key' + signingKey && JSON.parse(Buffer.from(claims, 'base64url')).exp * 1000 > clock.now();
  };
  let refusals = 0;
  const arrivals = []; // [seq, channel, head when the poll reached the server, the call]
  const handle = server.handle.bind(server);
  server.handle = (call) => {
    if (outage) return { status: 503, body: { error: 'down' }, headers: { 'Retry-After': '1' } };
    if (call.method === 'POST' && call.body && call.body.channels) {
      if (PRIVATE in call.body.channels) {
        if (accepts(call.body.tokens && call.body.tokens[PRIVATE])) {
          if (server.refusals) server.refusals.delete(PRIVATE);
        } else {
          refusals++;
          server.refuse(PRIVATE, 403, 'expired or invalid token');
        }
      }
      const refused = server.refusals || new Map();
      for (const ch of Object.keys(call.body.channels)) {
        if (!refused.has(ch)) arrivals.push([++seq, ch, server.lastId(ch), call]);
      }
    }
    return handle(call);
  };
  const tabs = [];
  const subs = [];
  const log = [];
  /** Subscribes as an application does; a refusal its getToken could not cure gets a new token. */
  const subscribe = (rec, tab, opts) => {
    if (rec.channel === PRIVATE) opts = { ...opts, token: issue(PRIVATE) };
    rec.errors = 0;
    rec.sub = tab.client.subscribe(rec.channel, {
      m: (payload, message) => rec.ids.push(message.id),
      'cable:reset': () => rec.resets++,
    }, opts);
    rec.sub.on('error', (e) => {
      rec.errors++;
      log.push(`error ${e.status} on #${subs.indexOf(rec)}`);
      if (e.status === 403 && rec.active) rec.sub.setToken(issue(rec.channel));
    });
  };
  const openTab = () => {
    const latency = pick([0, 0, 200, 1500]);
    const longPoll = rnd() < 0.4;
    const getToken = async (channel) => issue(channel);
    const tab = createTab({ server, clock, hub, locks, latency, random: rnd, options: { longPoll, getToken } });
    tabs.push({ tab, alive: true, latency, diedAt: Infinity });
    log.push(`open tab ${tabs.length - 1} latency ${latency} longPoll ${longPoll}`);
  };
  openTab();
  const steps = 20 + Math.floor(rnd() * 50);
  for (let i = 0; i < steps; i++) {
    const op = rnd();
    const live = tabs.filter((t) => t.alive);
    if (op < 0.22) {
      const t = pick(live);
      const channel = pick(channels);
      const mode = pick(['now', 'now', 'now', 'history', 'lastId']);
      const rec = { channel, mode, ids: [], resets: 0, tab: t, subscribedAt: ++seq, active: true };
      rec.start = mode === 'history' ? 0 : mode === 'lastId' ? server.lastId(channel) : undefined;
      const opts = mode === 'history' ? { history: true } : mode === 'lastId' ? { lastId: rec.start } : {};
      subs.push(rec);
      subscribe(rec, t.tab, opts);
      log.push(`subscribe #${subs.length - 1} ${channel} ${mode} on tab ${tabs.indexOf(t)}`);
    } else if (op < 0.34) {
      const active = subs.filter((s) => s.active && s.tab.alive);
      if (active.length) {
        const rec = pick(active);
        rec.sub.unsubscribe();
        rec.active = false;
        log.push(`unsubscribe #${subs.indexOf(rec)}`);
        if (rnd() < 0.5) {
          // a view that unmounts and mounts again: the same channel, "from now", in the same tab
          const again = { channel: rec.channel, mode: 'now', ids: [], resets: 0, tab: rec.tab, subscribedAt: ++seq, active: true };
          subs.push(again);
          subscribe(again, rec.tab.tab, {});
          log.push(`subscribe again #${subs.length - 1} ${rec.channel} now`);
        }
      }
    } else if (op < 0.58) {
      const channel = pick(channels);
      const id = server.emit(channel, 'm', i);
      log.push(`publish ${channel} ${id}`);
    } else if (op < 0.86) {
      const ms = pick([0, 50, 300, 1000, 1600, 3000, 6000]);
      await clock.advance(ms);
      log.push(`advance ${ms}`);
    } else if (op < 0.88) {
      outage = !outage;
      log.push(outage ? 'outage' : 'back');
    } else if (op < 0.9) {
      signingKey++; // every token issued so far is refused from now on
      log.push(`rotate key ${signingKey}`);
    } else if (op < 0.94) {
      if (live.length < 3) openTab();
    } else if (live.length > 1) {
      // A crash is modelled for the leader only: the fake lock manager releases the lock of a
      // crashed tab but, unlike a browser, not the queued requests of a crashed follower.
      const leader = live.find((t) => t.tab.client.isLeader);
      const crash = op < 0.97 && leader;
      const t = crash ? leader : pick(live);
      t.alive = false;
      t.diedAt = clock.now();
      if (crash) t.tab.kill();
      else t.tab.client.disconnect();
      log.push(`${crash ? 'crash' : 'close'} tab ${tabs.indexOf(t)}`);
    }
  }
  outage = false;
  for (let i = 0; i < 20; i++) await clock.advance(5000);

  // The answer a client acted on: not aborted by it (a restarted long poll), not lost with its tab.
  const answered = (call) => {
    if (call.init.signal && call.init.signal.aborted) return false;
    const owner = tabs.find((t) => t.tab.fetch.calls.includes(call));
    return !owner || call.at + owner.latency < owner.diedAt;
  };
  const problems = [];
  for (const [n, rec] of subs.entries()) {
    let start = rec.start;
    if (start === undefined) {
      // "From now": from the head at the first poll of the channel, sent after subscribe(), whose
      // answer the client acted on (the position it can know; a history catch-up poll included)
      const first = arrivals.find(([s, ch, , call]) => s > rec.subscribedAt && ch === rec.channel && answered(call));
      if (!first) {
        if (rec.active && rec.tab.alive) problems.push(`#${n} (${rec.channel}) was never polled`);
        continue;
      }
      start = first[2];
    }
    const all = server.channels.get(rec.channel).messages.map((m) => m.id);
    const expected = all.filter((id) => id > start);
    const got = rec.ids.filter((id) => id > start);
    const increasing = rec.ids.every((id, k) => k === 0 || id > rec.ids[k - 1]);
    if (!increasing) problems.push(`#${n} (${rec.channel}) ids not strictly increasing: ${rec.ids}`);
    if (rec.resets > 0) problems.push(`#${n} (${rec.channel}) got a reset though nothing was trimmed`);
    const complete = rec.active && rec.tab.alive;
    const want = complete ? expected : expected.slice(0, got.length);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`#${n} (${rec.channel} ${rec.mode}${complete ? '' : ', ended'}) from ${start}: got ${got} want ${want}`);
    }
  }
  return { problems, log, subs: subs.length, refusals };
}

test(`model: ${RUNS} seeded runs, every event after a subscription's start delivered once, in order`, async () => {
  const failures = [];
  let subscriptions = 0;
  let refused = 0;
  for (let k = 0; k < RUNS; k++) {
    const seed = FIRST_SEED + k;
    const { problems, log, subs, refusals } = await run(seed);
    subscriptions += subs;
    refused += refusals;
    if (problems.length) failures.push({ seed, problems, log });
  }
  if (failures.length) {
    const f = failures[0];
    assert.fail(`${failures.length} of ${RUNS} runs broke the invariant; first: seed ${f.seed}\n`
      + f.problems.join('\n') + '\n--- steps ---\n' + f.log.join('\n'));
  }
  assert.ok(refused > 0, 'the runs refused expired or rotated tokens');
  console.log(`model: ${RUNS} runs, ${subscriptions} subscriptions, ${refused} token refusals, 0 invariant failures`);
});
