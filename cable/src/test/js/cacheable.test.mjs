import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroadcastHub, createClock, createLocks, createTab, FakeServer, recorder } from './fakes.mjs';

const gets = (tab) => tab.fetch.polls().filter((c) => c.method === 'GET');
const posts = (tab) => tab.fetch.polls().filter((c) => c.method === 'POST');

test('a cacheable channel is polled with GET, cursor in the URL; the others with one POST', async () => {
  const server = new FakeServer();
  const head = server.emit('news:world', 'headline', 'old');
  server.emit('chat', 'message', 'old');
  const tab = createTab({ server });
  const news = recorder();
  const chat = recorder();
  tab.client.subscribe('news:world', { headline: news.on('headline') }, { cacheable: true });
  tab.client.subscribe('chat', { message: chat.on('message') });
  await tab.clock.advance(0);
  assert.equal(gets(tab)[0].url, '/cable/poll?channel=news%3Aworld', 'no after: from now');
  assert.deepEqual(posts(tab)[0].body.channels, { chat: null }, 'the cacheable channel is not in the POST');
  assert.equal(gets(tab)[0].body, undefined);

  const fresh = server.emit('news:world', 'headline', 'new');
  const said = server.emit('chat', 'message', 'hi');
  await tab.clock.advance(3000);
  assert.equal(gets(tab)[1].url, '/cable/poll?channel=news%3Aworld&after=' + head);
  assert.deepEqual(news.seen, [['headline', 'new', fresh]]);
  assert.deepEqual(chat.seen, [['message', 'hi', said]]);
  await tab.clock.advance(3000);
  assert.equal(gets(tab)[2].url, '/cable/poll?channel=news%3Aworld&after=' + fresh, 'follows lastId');
});

test('a poll cycle with a cacheable channel is a short poll, even with longPoll on', async () => {
  const server = new FakeServer();
  const tab = createTab({ server, options: { longPoll: true } });
  tab.client.subscribe('news:world', {}, { cacheable: true });
  tab.client.subscribe('chat', {});
  await tab.clock.advance(0);
  assert.equal(posts(tab)[0].body.wait, undefined, 'no wait: the GET answers at once anyway');
  assert.deepEqual(tab.clock.pending(), [3000], 'the next cycle after the poll interval');
});

test('a channel with a token is never polled with GET, even if marked cacheable', async () => {
  const tab = createTab({ server: new FakeServer() });
  tab.client.subscribe('private-news:1', {}, { cacheable: true, token: 'tok' });
  await tab.clock.advance(0);
  assert.equal(gets(tab).length, 0);
  assert.deepEqual(posts(tab)[0].body.tokens, { 'private-news:1': 'tok' });
});

test('a follower tab\'s cacheable channel is polled by the leader with GET', async () => {
  const shared = { clock: createClock(), server: new FakeServer(), hub: createBroadcastHub(), locks: createLocks() };
  const leader = createTab({ ...shared });
  await shared.clock.advance(0);
  const follower = createTab({ ...shared });
  await shared.clock.advance(0);
  assert.equal(follower.client.isLeader, false);
  const seen = recorder();
  follower.client.subscribe('news:sport', { score: seen.on('score') }, { cacheable: true });
  await shared.clock.advance(3000);
  const id = shared.server.emit('news:sport', 'score', '1-0');
  await shared.clock.advance(3000);
  assert.ok(gets(leader).length >= 1, 'the leader polls it with GET');
  assert.ok(gets(leader).every((c) => c.url.startsWith('/cable/poll?channel=news%3Asport')));
  assert.equal(follower.fetch.polls().length, 0);
  assert.deepEqual(seen.seen, [['score', '1-0', id]]);
});
