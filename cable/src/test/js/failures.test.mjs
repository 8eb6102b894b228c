import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTab, FakeServer } from './fakes.mjs';

/** A server whose poll answers come from `script` while it has entries, then normally. */
function scripted(script) {
  const server = new FakeServer();
  server.hook = () => {
    if (script.length === 0) return null;
    const next = script.shift();
    if (next === 'network') throw new TypeError('Failed to fetch');
    return next;
  };
  return server;
}

const unavailable = (headers = {}) => ({ status: 503, body: { error: 'backend down' }, headers });

function states(client) {
  const seen = [];
  client.onStateChange((state, info) => seen.push(info ? [state, info] : [state]));
  return seen;
}

test('backoff grows exponentially with jitter and is capped at maxBackoff', async () => {
  const delaysFor = async (randomValue) => {
    const server = scripted(Array(9).fill(unavailable()));
    const tab = createTab({ server, random: () => randomValue, options: { maxBackoff: 30000 } });
    const seen = states(tab.client);
    tab.client.subscribe('c');
    await tab.clock.advance(0);
    for (let i = 0; i < 9; i++) await tab.clock.advance(30000);
    return seen.filter(([s]) => s === 'reconnecting').map(([, info]) => info.delay);
  };
  const low = await delaysFor(0);
  const high = await delaysFor(0.999999);
  // equal jitter: each delay lies in [ceiling/2, ceiling], ceiling = min(maxBackoff, 1000 * 2^(n-1))
  assert.deepEqual(low, [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000]);
  assert.deepEqual(high, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  const mid = await delaysFor(0.3);
  assert.ok(mid.every((d, i) => d > low[i] && d < high[i]), 'the random part moves the delay');
});

test('each retry is scheduled after the announced delay', async () => {
  const server = scripted([unavailable(), unavailable(), unavailable()]);
  const tab = createTab({ server, random: () => 0 });
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  await tab.clock.advance(10000);
  const at = tab.fetch.polls().map((p) => p.at - tab.fetch.polls()[0].at);
  assert.deepEqual(at.slice(0, 4), [0, 500, 1500, 3500]);
});

test('a 503 with Retry-After waits at least that many seconds', async () => {
  const server = scripted([unavailable({ 'Retry-After': '12' })]);
  const tab = createTab({ server, random: () => 0 });
  const seen = states(tab.client);
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  assert.deepEqual(seen, [['reconnecting', { attempt: 1, delay: 12000 }]]);
  tab.document.setVisibility('hidden');
  tab.document.setVisibility('visible'); // "poll at once" still respects Retry-After
  await tab.clock.advance(11999);
  assert.equal(tab.fetch.polls().length, 1);
  await tab.clock.advance(1);
  assert.equal(tab.fetch.polls().length, 2);
  assert.equal(tab.client.state, 'connected');
});

test('it never gives up: 20 failures, then a success, and the client is connected', async () => {
  const script = [];
  for (let i = 0; i < 20; i++) script.push(i % 2 ? 'network' : { status: 500, body: { error: 'oops' } });
  const server = scripted(script);
  const tab = createTab({ server });
  const seen = states(tab.client);
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  for (let i = 0; i < 20; i++) await tab.clock.advance(30000);
  assert.equal(tab.fetch.polls().length > 20, true);
  assert.equal(tab.client.state, 'connected');
  const attempts = seen.filter(([s]) => s === 'reconnecting').map(([, info]) => info.attempt);
  assert.deepEqual(attempts, Array.from({ length: 20 }, (_, i) => i + 1));
  assert.deepEqual(seen.at(-1), ['connected']);
  assert.equal(tab.logs.warn.length, 1, 'one warning per outage, not one per attempt');
});

test('state goes connecting, connected, reconnecting, connected, disconnected', async () => {
  const server = new FakeServer();
  const tab = createTab({ server, random: () => 0 });
  assert.equal(tab.client.state, 'connecting');
  const seen = states(tab.client);
  const fromOn = [];
  tab.client.on('state', (s) => fromOn.push(s));
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  server.hook = () => unavailable();
  await tab.clock.advance(3000);
  await tab.clock.advance(500);
  server.hook = null;
  await tab.clock.advance(1000);
  tab.client.disconnect();
  assert.deepEqual(seen, [
    ['connected'],
    ['reconnecting', { attempt: 1, delay: 500 }],
    ['reconnecting', { attempt: 2, delay: 1000 }],
    ['connected'],
    ['disconnected'],
  ]);
  assert.deepEqual(fromOn, ['connected', 'reconnecting', 'reconnecting', 'connected', 'disconnected']);
  assert.equal(tab.client.state, 'disconnected');
  const polls = tab.fetch.polls().length;
  await tab.clock.advance(60000);
  assert.equal(tab.fetch.polls().length, polls, 'no poll after disconnect');
  assert.deepEqual(tab.clock.pending(), []);
});

test('a 4xx other than 408/429 to a poll of several channels is retried with backoff and the server\'s error is logged', async () => {
  const server = scripted([{ status: 400, body: { error: 'invalid channel name "x\\u0000"' } }]);
  const tab = createTab({ server, random: () => 0 });
  tab.client.subscribe('c');
  tab.client.subscribe('d');
  await tab.clock.advance(0);
  assert.equal(tab.client.state, 'reconnecting');
  assert.match(tab.logs.error[0][0], /HTTP 400\): invalid channel name/);
  await tab.clock.advance(500);
  assert.equal(tab.client.state, 'connected');
});

test('408 and 429 are retried quietly; 429 honours Retry-After', async () => {
  const server = scripted([{ status: 408 }, { status: 429, headers: { 'Retry-After': '5' } }]);
  const tab = createTab({ server, random: () => 0 });
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  await tab.clock.advance(500);
  await tab.clock.advance(4999);
  assert.equal(tab.fetch.polls().length, 2);
  await tab.clock.advance(1);
  assert.equal(tab.client.state, 'connected');
  assert.equal(tab.logs.error.length, 0);
});

test('a poll that gets no answer times out and is retried', async () => {
  let hang = true;
  const server = new FakeServer();
  server.hook = () => (hang ? new Promise(() => {}) : null);
  const tab = createTab({ server, random: () => 0, options: { timeout: 10000 } });
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  await tab.clock.advance(10000);
  assert.equal(tab.client.state, 'reconnecting');
  hang = false;
  await tab.clock.advance(500);
  assert.equal(tab.client.state, 'connected');
});

test('an answer that is not JSON counts as a failure', async () => {
  const server = scripted([{ status: 200, body: '<html>proxy login</html>' }]);
  const tab = createTab({ server, random: () => 0 });
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  assert.equal(tab.client.state, 'reconnecting');
  await tab.clock.advance(500);
  assert.equal(tab.client.state, 'connected');
});

test('subscribe after disconnect throws', () => {
  const tab = createTab();
  tab.client.disconnect();
  assert.throws(() => tab.client.subscribe('c'), /after disconnect/);
  assert.throws(() => createTab().client.subscribe(''), TypeError);
  assert.throws(() => createTab().client.subscribe('c', {}, { lastId: -1 }), TypeError);
});
