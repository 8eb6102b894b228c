import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroadcastHub, createClock, createLocks, createTab, FakeServer, recorder } from './fakes.mjs';

const polledChannels = (tab) => tab.fetch.polls().map((p) => Object.keys(p.body.channels).sort().join(','));

test('a channel refused inside a 200 answer tells its subscriptions and the client, and the others go on', async () => {
  const server = new FakeServer();
  server.refuse('private-room:7');
  const tab = createTab({ server });
  const r = recorder();
  const clientErrors = [];
  tab.client.on('error', (info) => clientErrors.push(info));
  const secret = tab.client.subscribe('private-room:7', { error: r.on('error') });
  tab.client.subscribe('news', { m: r.on('m') });
  await tab.clock.advance(0);
  const id = server.emit('news', 'm', 'still delivered');
  await tab.clock.advance(3000);
  await tab.clock.advance(3000);
  const info = { channel: 'private-room:7', status: 403, message: "channel 'private-room:7' is private" };
  assert.deepEqual(clientErrors, [info]);
  assert.deepEqual(r.seen, [['error', info, undefined], ['m', 'still delivered', id]]);
  assert.equal(tab.client.state, 'connected');
  assert.deepEqual(polledChannels(tab), ['news,private-room:7', 'news', 'news'], 'not asked for again');
  assert.equal(secret.active, true, 'the subscription stays; the application decides');
  assert.equal(tab.logs.error.length, 1, 'logged once');
});

test('a poll of one channel refused whole (403) is that channel\'s refusal, not an outage to retry for ever', async () => {
  const server = new FakeServer();
  server.refuse('private-x', 403, 'no');
  const tab = createTab({ server });
  const errors = [];
  tab.client.subscribe('private-x').on('error', (info) => errors.push(info.status));
  await tab.clock.advance(0);
  await tab.clock.advance(60000);
  assert.deepEqual(errors, [403]);
  assert.equal(tab.fetch.polls().length, 1, 'no retries of a refusal');
  assert.equal(tab.client.state, 'connected');
  tab.client.subscribe('open');
  await tab.clock.advance(0);
  assert.deepEqual(polledChannels(tab).slice(1), ['open']);
});

test('subscribing again asks for a refused channel again, and it is delivered once the server allows it', async () => {
  const server = new FakeServer();
  server.refuse('private-y');
  const tab = createTab({ server });
  const errors = [];
  tab.client.on('error', (info) => errors.push(info.channel));
  tab.client.subscribe('private-y');
  tab.client.subscribe('other');
  await tab.clock.advance(0);
  server.refusals.delete('private-y'); // e.g. the user was given access
  const r = recorder();
  tab.client.subscribe('private-y', { m: r.on('m') });
  await tab.clock.advance(0);
  const id = server.emit('private-y', 'm', 'now readable');
  await tab.clock.advance(3000);
  assert.deepEqual(errors, ['private-y']);
  assert.deepEqual(r.seen, [['m', 'now readable', id]]);
});

test('a follower tab hears the refusal of its channel from the leader', async () => {
  const server = new FakeServer();
  server.refuse('private-z');
  const clock = createClock();
  const hub = createBroadcastHub();
  const locks = createLocks();
  const navigator = { locks };
  const leader = createTab({ server, clock, hub, locks, navigator });
  await clock.advance(0);
  const follower = createTab({ server, clock, hub, locks, navigator });
  await clock.advance(0);
  assert.equal(follower.client.isLeader, false);
  const errors = [];
  follower.client.subscribe('private-z').on('error', (info) => errors.push(info.status));
  leader.client.subscribe('open');
  await clock.advance(3000);
  assert.deepEqual(errors, [403]);
  assert.equal(follower.fetch.polls().length, 0, 'the follower never polled');
});
