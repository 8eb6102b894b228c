import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroadcastHub, createClock, createLocks, createTab, FakeServer, MINIFIED } from './fakes.mjs';

test('a channel token goes with every poll of its channel, and only of its channel', async () => {
  const tab = createTab({ server: new FakeServer() });
  tab.client.subscribe('private-room:7', {}, { token: 'tok-7' });
  tab.client.subscribe('news', {});
  await tab.clock.advance(0);
  await tab.clock.advance(3000);
  for (const poll of tab.fetch.polls()) {
    assert.deepEqual(poll.body.tokens, { 'private-room:7': 'tok-7' });
  }
});

test('polls without private channels carry no tokens field', async () => {
  const tab = createTab({ server: new FakeServer() });
  tab.client.subscribe('news', {});
  await tab.clock.advance(0);
  assert.equal(tab.fetch.polls()[0].body.tokens, undefined);
});

test('presence requests and the users list send the channel token', async () => {
  const tab = createTab({ route: () => ({ status: 200, body: { users: [], count: 0 } }) });
  const sub = tab.client.subscribe('presence-room:7', {}, { token: 'tok-p' });
  await sub.join({ name: 'Alice' });
  await sub.users();
  await sub.leave();
  const calls = tab.fetch.calls.filter((c) => c.url.includes('/presence/'));
  const join = calls.find((c) => c.url.endsWith('/join'));
  assert.equal(join.body.token, 'tok-p');
  assert.equal(calls.find((c) => c.url.endsWith('/leave')).body.token, 'tok-p');
  const users = calls.find((c) => c.url.endsWith('/users'));
  assert.equal(users.body.token, 'tok-p', 'in the body');
  assert.ok(calls.every((c) => !c.url.includes('tok-p')), 'no token in any URL');
});

test('a follower tab\'s token reaches the leader, which polls with it', async () => {
  const shared = { clock: createClock(), server: new FakeServer(), hub: createBroadcastHub(), locks: createLocks() };
  const leader = createTab({ ...shared });
  await shared.clock.advance(0);
  const follower = createTab({ ...shared });
  await shared.clock.advance(0);
  assert.equal(follower.client.isLeader, false);
  follower.client.subscribe('private-room:9', {}, { token: 'tok-9' });
  await shared.clock.advance(3000);
  const last = leader.fetch.polls().at(-1);
  assert.deepEqual(last.body.tokens, { 'private-room:9': 'tok-9' });
  assert.equal(follower.fetch.polls().length, 0);
});

/** A token as ChannelTokens issues them: base64url(claims) "." signature. */
function token(channel, exp, tag = 'sig') {
  const claims = Buffer.from(JSON.stringify({ ch: channel, exp })).toString('base64url');
  return claims + '.' + tag;
}

/** A server that accepts a channel's poll only with one of `valid` tokens (else refuses it). */
function guarded(server, channel, valid) {
  const handle = server.handle.bind(server);
  server.handle = (call) => {
    if (call.body && call.body.channels && channel in call.body.channels) {
      const given = call.body.tokens && call.body.tokens[channel];
      if (!valid.has(given)) server.refuse(channel, 403, 'expired or missing token');
      else if (server.refusals) server.refusals.delete(channel);
    }
    return handle(call);
  };
}

test('with getToken, a token is refreshed a minute before it expires, and polls carry the new one', async () => {
  const clock = createClock();
  const now = Math.floor(clock.now() / 1000);
  const first = token('private-a', now + 300);
  const second = token('private-a', now + 900);
  const asked = [];
  const tab = createTab({ clock, options: { getToken: async (channel) => { asked.push(channel); return second; } } });
  tab.client.subscribe('private-a', {}, { token: first });
  await clock.advance(0);
  await clock.advance(239000);
  assert.deepEqual(asked, [], 'not yet');
  await clock.advance(2000);
  assert.deepEqual(asked, ['private-a']);
  await clock.advance(3000);
  assert.equal(tab.fetch.polls().at(-1).body.tokens['private-a'], second);
});

test('a 403 with getToken fetches a fresh token and retries; a fresh token refused again is reported as error', async () => {
  const server = new FakeServer();
  const clock = createClock();
  const now = Math.floor(clock.now() / 1000);
  const stale = token('private-b', now - 10, 'old');
  const fresh = token('private-b', now + 600, 'new');
  const accepted = new Set([fresh]);
  guarded(server, 'private-b', accepted);
  const tab = createTab({ server, clock, options: { getToken: async () => fresh } });
  const errors = [];
  const sub = tab.client.subscribe('private-b', { m: () => {} }, { token: stale });
  sub.on('error', (e) => errors.push(e.status));
  await clock.advance(0);
  await clock.advance(0);
  const id = server.emit('private-b', 'm', 1);
  const seen = [];
  sub.on('m', (p, m) => seen.push(m.id));
  await clock.advance(3000);
  assert.deepEqual(errors, [], 'renewed silently');
  assert.deepEqual(seen, [id]);
  assert.equal(tab.fetch.polls().at(-1).body.tokens['private-b'], fresh);

  // now the server stops accepting it: getToken brings the same token, so the refusal is reported
  accepted.clear();
  await clock.advance(15000);
  assert.deepEqual(errors, [403]);
});

test('setToken gives a refused channel a new token and it is polled again', async () => {
  const server = new FakeServer();
  const good = token('private-c', Math.floor(Date.now() / 1000) + 600, 'good');
  guarded(server, 'private-c', new Set([good]));
  const tab = createTab({ server });
  const errors = [];
  const sub = tab.client.subscribe('private-c', {}, { token: 'bad.token' });
  sub.on('error', (e) => errors.push(e.status));
  tab.client.subscribe('news');
  await tab.clock.advance(0);
  assert.deepEqual(errors, [403]);
  await tab.clock.advance(3000);
  assert.ok(!('private-c' in tab.fetch.polls().at(-1).body.channels), 'refused: not polled');
  sub.setToken(good);
  await tab.clock.advance(0);
  const last = tab.fetch.polls().at(-1).body;
  assert.ok('private-c' in last.channels);
  assert.equal(last.tokens['private-c'], good);
  assert.throws(() => sub.setToken(''), TypeError);
});

test('the leader polls with the freshest token of any tab, and forgets the tokens of a tab that unsubscribed or closed', async () => {
  const shared = { clock: createClock(), server: new FakeServer(), hub: createBroadcastHub(), locks: createLocks() };
  const now = Math.floor(shared.clock.now() / 1000);
  const older = token('private-d', now + 100, 'older');
  const newer = token('private-d', now + 900, 'newer');
  const leader = createTab({ ...shared });
  await shared.clock.advance(0);
  const follower = createTab({ ...shared });
  await shared.clock.advance(0);
  const mine = leader.client.subscribe('private-d', {}, { token: newer });
  const theirs = follower.client.subscribe('private-d', {}, { token: older });
  await shared.clock.advance(3000);
  assert.equal(leader.fetch.polls().at(-1).body.tokens['private-d'], newer, 'an older token of another tab does not win');
  mine.unsubscribe();
  await shared.clock.advance(3000);
  assert.equal(leader.fetch.polls().at(-1).body.tokens['private-d'], older, 'the leader dropped its own token');
  theirs.unsubscribe();
  follower.client.subscribe('private-e');
  await shared.clock.advance(3000);
  const body = leader.fetch.polls().at(-1).body;
  assert.ok(!('private-d' in body.channels));
  assert.equal(body.tokens, undefined, 'no token of a channel nobody subscribes to');
  follower.client.disconnect();
  await shared.clock.advance(0);
  if (!MINIFIED) assert.equal(leader.client._remoteTokens.size, 0, 'a closed tab leaves no tokens behind');
});
