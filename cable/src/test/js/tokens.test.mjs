import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroadcastHub, createClock, createLocks, createTab, FakeServer } from './fakes.mjs';

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
  assert.ok(calls.find((c) => c.url.includes('/users?')).url.endsWith('&token=tok-p'));
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
