import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cable, createTab, FakeServer, MINIFIED, recorder } from './fakes.mjs';

const ch = (call) => call.body.channels;

test('the first poll sends null for a new subscription, then the lastId the server returned', async () => {
  const server = new FakeServer();
  server.emit('news', 'old', 1);
  const tab = createTab({ server });
  const r = recorder();
  tab.client.subscribe('news', { fresh: r.on('fresh'), old: r.on('old') });
  await tab.clock.advance(0);
  assert.deepEqual(ch(tab.fetch.polls()[0]), { news: null });
  const head = server.lastId('news');
  const id = server.emit('news', 'fresh', 2);
  await tab.clock.advance(3000);
  assert.deepEqual(ch(tab.fetch.polls()[1]), { news: head });
  assert.deepEqual(r.seen, [['fresh', 2, id]]);
  await tab.clock.advance(3000);
  assert.deepEqual(ch(tab.fetch.polls()[2]), { news: id });
});

test('a subscription with an embedded lastId starts right after it', async () => {
  const server = new FakeServer();
  const a = server.emit('chat', 'm', 'a');
  const b = server.emit('chat', 'm', 'b');
  const tab = createTab({ server });
  const r = recorder();
  tab.client.subscribe('chat', { m: r.on('m') }, { lastId: a });
  await tab.clock.advance(0);
  assert.deepEqual(ch(tab.fetch.polls()[0]), { chat: a });
  assert.deepEqual(r.seen, [['m', 'b', b]]);
});

test('history: true sends 0 and delivers every retained event, oldest first', async () => {
  const server = new FakeServer();
  const ids = [server.emit('log', 'line', 1), server.emit('log', 'line', 2), server.emit('log', 'line', 3)];
  const tab = createTab({ server });
  const r = recorder();
  const sub = tab.client.subscribe('log', { line: r.on('line') }, { history: true });
  await tab.clock.advance(0);
  assert.deepEqual(ch(tab.fetch.polls()[0]), { log: 0 });
  assert.deepEqual(r.ids(), ids);
  assert.equal(sub.lastId, ids[2]);
});

test('more: true polls again at once with the new lastId', async () => {
  const server = new FakeServer({ maxMessages: 2 });
  for (let i = 1; i <= 5; i++) server.emit('feed', 'item', i);
  const tab = createTab({ server });
  const r = recorder();
  tab.client.subscribe('feed', { item: r.on('item') }, { history: true });
  await tab.clock.advance(0);
  const polls = tab.fetch.polls();
  assert.equal(polls.length, 3, 'three pages without waiting for the interval');
  assert.ok(polls.every((p) => p.at === polls[0].at));
  assert.deepEqual(r.seen.map((s) => s[1]), [1, 2, 3, 4, 5]);
  assert.deepEqual(tab.clock.pending(), [3000]);
});

test('reset: true fires cable:reset with the new lastId before the page\'s messages', async () => {
  const server = new FakeServer();
  const first = server.emit('chat', 'm', 1);
  server.emit('chat', 'm', 2);
  const kept = [server.emit('chat', 'm', 3), server.emit('chat', 'm', 4)];
  server.trim('chat', kept[0]);
  const tab = createTab({ server });
  const r = recorder();
  tab.client.subscribe('chat', { m: r.on('m'), 'cable:reset': (info) => r.seen.push(['reset', info]) },
    { lastId: first });
  await tab.clock.advance(0);
  assert.deepEqual(r.seen, [['reset', { lastId: kept[1] }], ['m', 3, kept[0]], ['m', 4, kept[1]]]);
  await tab.clock.advance(3000);
  assert.deepEqual(ch(tab.fetch.polls()[1]), { chat: kept[1] });
});

test('a reset page does not reset a subscription of the same tab that is further ahead', async () => {
  const server = new FakeServer();
  const ids = [1, 2, 3, 4, 5].map((i) => server.emit('chat', 'm', i));
  server.trim('chat', ids[2]);
  const tab = createTab({ server });
  const behind = recorder();
  const ahead = recorder();
  tab.client.subscribe('chat', { m: behind.on('m'), 'cable:reset': behind.on('reset') }, { lastId: ids[0] });
  tab.client.subscribe('chat', { m: ahead.on('m'), 'cable:reset': ahead.on('reset') }, { lastId: ids[3] });
  await tab.clock.advance(0);
  assert.deepEqual(behind.seen.map((s) => s[0]), ['reset', 'm', 'm', 'm']);
  assert.deepEqual(ahead.seen, [['m', 5, ids[4]]]);
});

test('messages with an id at or below the cursor are ignored', async () => {
  const pages = [
    { messages: [], lastId: 10, more: false, reset: false },
    { messages: [9, 10, 11, 12].map((id) => ({ id, event: 'e', payload: id })), lastId: 12, more: false, reset: false },
    { messages: [12, 13].map((id) => ({ id, event: 'e', payload: id })), lastId: 13, more: false, reset: false },
  ];
  const tab = createTab({ route: () => ({ status: 200, body: { channels: { c: pages.shift() } } }) });
  const r = recorder();
  tab.client.subscribe('c', { e: r.on('e') });
  await tab.clock.advance(6000);
  assert.deepEqual(r.ids(), [11, 12, 13]);
});

test('a batch is unpacked into its events (carrying the batch id), then the batch handler fires', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  const r = recorder();
  const messages = [];
  tab.client.subscribe('metrics', {
    tick: (p, m) => { r.seen.push(['tick', p, m.id]); messages.push(m); },
    other: r.on('other'),
    batch: r.on('batch'),
  });
  await tab.clock.advance(0);
  const payload = { events: [{ event: 'tick', payload: 1 }, { event: 'other', payload: 'x' }, { event: 'tick', payload: 2 }],
    count: 3, timestamp: '2026-11-25T19:00:00.123Z' };
  const id = server.emit('metrics', 'batch', payload);
  await tab.clock.advance(3000);
  assert.deepEqual(r.seen, [['tick', 1, id], ['other', 'x', id], ['tick', 2, id], ['batch', payload, id]]);
  assert.equal(messages[0].batch.id, id);
  assert.equal(messages[0].event, 'tick');
});

test('dom-update sets innerHTML and dom-text sets textContent, once per message, and reach their handlers', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  const visitors = tab.document.element('#visitors');
  const title = tab.document.element('.title');
  const title2 = tab.document.element('.title');
  const r = recorder();
  tab.client.subscribe('dash', { 'dom-update': r.on('dom-update'), 'dom-text': r.on('dom-text') });
  tab.client.subscribe('dash'); // a second subscription must not apply the update twice
  await tab.clock.advance(0);
  server.emit('dash', 'dom-update', { selector: '#visitors', html: '<b>42</b>' });
  server.emit('dash', 'dom-text', { selector: '.title', text: '<i>not html</i>' });
  server.emit('dash', 'batch', { events: [{ event: 'dom-text', payload: { selector: '#visitors', text: 'in batch' } }],
    count: 1, timestamp: '' });
  await tab.clock.advance(3000);
  assert.equal(visitors.innerHTML, '<b>42</b>');
  assert.equal(visitors.textContent, 'in batch');
  assert.equal(visitors.writes, 2);
  assert.equal(title.textContent, '<i>not html</i>');
  assert.equal(title.innerHTML, '');
  assert.equal(title2.textContent, '<i>not html</i>');
  assert.equal(title.writes, 1);
  assert.deepEqual(r.seen.map((s) => s[0]), ['dom-update', 'dom-text', 'dom-text']);
});

test('filter() returns a view whose handlers fire only when the predicate holds', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  const all = recorder();
  const mine = recorder();
  const mineAndLong = recorder();
  const sub = tab.client.subscribe('chat').on('m', all.on('m'));
  const view = sub.filter((p) => p.room === 'a').on('m', mine.on('m'));
  view.filter((p, message) => p.text.length > 2 && message.event === 'm').on('m', mineAndLong.on('m'));
  await tab.clock.advance(0);
  server.emit('chat', 'm', { room: 'a', text: 'hi' });
  server.emit('chat', 'm', { room: 'b', text: 'hello' });
  server.emit('chat', 'm', { room: 'a', text: 'hello' });
  await tab.clock.advance(3000);
  assert.equal(all.seen.length, 3);
  assert.deepEqual(mine.seen.map((s) => s[1].text), ['hi', 'hello']);
  assert.deepEqual(mineAndLong.seen.map((s) => s[1].text), ['hello']);
});

test('unsubscribe stops dispatch and drops the channel from the next request body', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  const a = recorder();
  const b = recorder();
  const subA = tab.client.subscribe('a', { e: a.on('e') });
  tab.client.subscribe('b', { e: b.on('e') });
  await tab.clock.advance(0);
  subA.unsubscribe();
  assert.equal(subA.active, false);
  server.emit('a', 'e', 1);
  server.emit('b', 'e', 2);
  await tab.clock.advance(3000);
  assert.deepEqual(Object.keys(ch(tab.fetch.polls()[1])), ['b']);
  assert.deepEqual(a.seen, []);
  assert.equal(b.seen.length, 1);
});

test('unsubscribing inside a handler stops the rest of the page for that subscription', async () => {
  const server = new FakeServer();
  const ids = [server.emit('c', 'e', 1), server.emit('c', 'e', 2)];
  const tab = createTab({ server });
  const seen = [];
  const sub = tab.client.subscribe('c', { e: (p) => { seen.push(p); sub.unsubscribe(); } }, { lastId: ids[0] - 1 });
  await tab.clock.advance(0);
  assert.deepEqual(seen, [1]);
});

test('several channels are polled with one request and one timer', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  tab.client.subscribe('a');
  tab.client.subscribe('b', {}, { history: true });
  tab.client.subscribe('c', {}, { lastId: 5 });
  await tab.clock.advance(0);
  assert.equal(tab.fetch.polls().length, 1);
  assert.deepEqual(ch(tab.fetch.polls()[0]), { a: null, b: 0, c: 5 });
  assert.deepEqual(tab.clock.pending(), [3000], 'exactly one timer between polls');
  await tab.clock.advance(9000);
  assert.equal(tab.fetch.polls().length, 4);
  assert.deepEqual(tab.clock.pending(), [3000]);
});

test('a poll request is a JSON POST to the endpoint with the configured headers', async () => {
  const tab = createTab({ options: { endpoint: '/app/cable/poll', headers: { 'X-CSRF-Token': 't0k' } } });
  tab.client.subscribe('a');
  await tab.clock.advance(0);
  const call = tab.fetch.calls[0];
  assert.equal(call.url, '/app/cable/poll');
  assert.equal(call.method, 'POST');
  assert.equal(call.headers['Content-Type'], 'application/json');
  assert.equal(call.headers['X-CSRF-Token'], 't0k');
});

test('a new subscription polls promptly instead of waiting for the interval', async () => {
  const tab = createTab();
  tab.client.subscribe('a');
  await tab.clock.advance(0);
  await tab.clock.advance(1000);
  tab.client.subscribe('b');
  await tab.clock.advance(0);
  assert.equal(tab.fetch.polls().length, 2);
  assert.deepEqual(ch(tab.fetch.polls()[1]), { a: tab.server.lastId('a'), b: null });
});

test('subscribing while a poll is in flight takes effect in a poll right after it', async () => {
  const tab = createTab({ latency: 200 });
  tab.client.subscribe('a');
  await tab.clock.advance(100);
  assert.equal(tab.fetch.polls().length, 1);
  tab.client.subscribe('b');
  await tab.clock.advance(100); // the first answer arrives
  await tab.clock.advance(0);
  assert.equal(tab.fetch.polls().length, 2);
  assert.deepEqual(Object.keys(ch(tab.fetch.polls()[1])), ['a', 'b']);
});

test('a subscription added later with history gets the history without repeats to the first one', async () => {
  const server = new FakeServer();
  const ids = [server.emit('c', 'e', 1), server.emit('c', 'e', 2)];
  const tab = createTab({ server });
  const live = recorder();
  const hist = recorder();
  tab.client.subscribe('c', { e: live.on('e') }, { lastId: ids[1] });
  await tab.clock.advance(0);
  tab.client.subscribe('c', { e: hist.on('e') }, { history: true });
  await tab.clock.advance(0);
  assert.deepEqual(ch(tab.fetch.polls()[1]), { c: 0 });
  assert.deepEqual(hist.ids(), ids);
  assert.deepEqual(live.seen, []);
  const id3 = server.emit('c', 'e', 3);
  await tab.clock.advance(3000);
  assert.deepEqual(live.ids(), [id3]);
  assert.deepEqual(hist.ids(), [...ids, id3]);
});

test('a throwing handler is logged and breaks neither other handlers nor polling', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  const r = recorder();
  tab.client.subscribe('c', { e: () => { throw new Error('boom'); } }).on('e', r.on('e'));
  tab.client.subscribe('c').on('e', async () => { throw new Error('async boom'); });
  await tab.clock.advance(0);
  server.emit('c', 'e', 1);
  await tab.clock.advance(3000);
  server.emit('c', 'e', 2);
  await tab.clock.advance(3000);
  assert.deepEqual(r.seen.map((s) => s[1]), [1, 2]);
  assert.equal(tab.logs.error.length, 4);
  assert.match(tab.logs.error[0][0], /"e" handler of channel "c" threw/);
  assert.equal(tab.client.state, 'connected');
});

test('long polling connects with a poll that does not wait, then sends wait: 25 and polls again at once after an answer the server held', async () => {
  const server = new FakeServer();
  let held = true;
  const tab = createTab({ server, options: { longPoll: true }, latency: 0 });
  // The fake server "holds" a long poll by answering after 20 s when `held`.
  server.hook = (call) => (held && call.body.wait
    ? new Promise((resolve) => tab.clock.setTimeout(() => resolve({ status: 200, body: server.poll(call.body) }), 20000))
    : null);
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  assert.equal(tab.fetch.polls()[0].body.wait, undefined, 'the first poll of a connection does not wait');
  assert.equal(tab.client.state, 'connected', 'connected on the first answer, not after a whole wait');
  assert.equal(tab.fetch.polls()[1].body.wait, 25, 'then long polls at once');
  await tab.clock.advance(20000);
  assert.equal(tab.fetch.polls().length, 3, 'polled again at once after a held answer');
  held = false; // a server that does not wait answers at once with nothing
  await tab.clock.advance(20000);
  assert.equal(tab.fetch.polls().length, 4);
  await tab.clock.advance(2999);
  assert.equal(tab.fetch.polls().length, 4, 'fast empty answer: back to pollInterval');
  await tab.clock.advance(1);
  assert.equal(tab.fetch.polls().length, 5);
});

test('a subscription during a long poll restarts it so the new channel need not wait', async () => {
  const server = new FakeServer();
  const tab = createTab({ server, options: { longPoll: true } });
  server.hook = (call) => (call.body.wait ? new Promise((resolve) => tab.clock.setTimeout(
    () => resolve({ status: 200, body: server.poll(call.body) }), 25000)) : null);
  tab.client.subscribe('a');
  await tab.clock.advance(1000);
  assert.equal(tab.fetch.polls().length, 2, 'connected, then a long poll held by the server');
  tab.client.subscribe('b');
  await tab.clock.advance(0);
  assert.equal(tab.fetch.polls().length, 3);
  assert.deepEqual(Object.keys(ch(tab.fetch.polls()[2])), ['a', 'b']);
  assert.equal(tab.client.state, 'connected', 'an aborted long poll is not a failure');
  assert.equal(tab.logs.warn.length, 0);
});

test('more than 50 channels are split into requests the server accepts', async () => {
  const tab = createTab();
  for (let i = 0; i < 60; i++) tab.client.subscribe('c' + i);
  await tab.clock.advance(0);
  const sizes = tab.fetch.polls().map((p) => Object.keys(ch(p)).length);
  assert.deepEqual(sizes, [50, 10]);
});

test('a later history subscription does not apply old dom-updates over newer ones', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  const el = tab.document.element('#x');
  tab.client.subscribe('dash');
  await tab.clock.advance(0);
  server.emit('dash', 'dom-update', { selector: '#x', html: 'old' });
  server.emit('dash', 'dom-update', { selector: '#x', html: 'new' });
  await tab.clock.advance(3000);
  const r = recorder();
  tab.client.subscribe('dash', { 'dom-update': r.on('dom-update') }, { history: true });
  await tab.clock.advance(0);
  assert.equal(r.seen.length, 2, 'the history reaches the handler');
  assert.equal(el.innerHTML, 'new');
  assert.equal(el.writes, 2);
});

for (const longPoll of [false, true]) {
  test(`a channel unsubscribed and subscribed again while a poll is in flight keeps receiving every later event (${longPoll ? 'long' : 'short'} polling)`, async () => {
    // An SPA view that unmounts and mounts again: the old subscription goes, a new one "from now"
    // comes, an event lands while the poll that still carries the old cursor is on its way back.
    for (const at of [4600, 5000, 5900]) {
      const server = new FakeServer();
      server.emit('c', 'm', 'before');
      const tab = createTab({ server, latency: 1500, options: { longPoll } });
      const old = tab.client.subscribe('c', { m: () => {} });
      await tab.clock.advance(at);
      old.unsubscribe();
      const r = recorder();
      tab.client.subscribe('c', { m: r.on('m') });
      server.emit('c', 'm', 'meanwhile');
      const later = [];
      for (let i = 0; i < 10; i++) {
        await tab.clock.advance(4000);
        later.push(server.emit('c', 'm', i));
      }
      await tab.clock.advance(10000);
      const ids = r.seen.map((s) => s[2]);
      assert.deepEqual(ids.filter((id) => later.includes(id)), later, `every later event once, in order (resubscribed at ${at} ms)`);
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
      assert.equal(new Set(ids).size, ids.length, 'no event twice');
    }
  });
}

test('an answer to "from now" that carries events delivers them as the subscription\'s first events', async () => {
  // Servers before protocol 1.1 held a long poll with a null cursor and answered it with the event
  // that woke it; the client must not drop that event.
  const server = new FakeServer();
  server.emit('c', 'm', 'history');
  const tab = createTab({ server });
  let first = null;
  server.hook = (call) => {
    if (call.body.channels.c !== null) return null;
    first = server.emit('c', 'm', 'first');
    return { status: 200, body: { channels: { c: { messages: [server.channels.get('c').messages.at(-1)], lastId: first, more: false, reset: false } } } };
  };
  const r = recorder();
  tab.client.subscribe('c', { m: r.on('m') });
  await tab.clock.advance(0);
  const second = server.emit('c', 'm', 'second');
  await tab.clock.advance(3000);
  assert.deepEqual(r.seen, [['m', 'first', first], ['m', 'second', second]]);
});

test('subscribe() refuses a name the server would refuse, so one bad channel cannot fail every poll', async () => {
  const tab = createTab();
  for (const bad of ['', 'a\u0007b', 'tab\there', 'x'.repeat(256), 'del\u007f', 'c1\u0085', 'line\u2028break',
    'lone\ud800', 'lone\udc00x']) {
    assert.throws(() => tab.client.subscribe(bad), TypeError, JSON.stringify(bad));
  }
  for (const good of ['chat:42', 'x'.repeat(255), 'emoji 😀', 'é-ü', 'a b']) tab.client.subscribe(good);
  await tab.clock.advance(0);
  assert.equal(Object.keys(tab.fetch.polls()[0].body.channels).length, 5, 'only valid names are polled');
});

test('an async headers function is awaited for every request', async () => {
  let n = 0;
  const tab = createTab({ options: { headers: async () => ({ Authorization: 'Bearer t' + (++n) }) } });
  tab.client.subscribe('a');
  await tab.clock.advance(0);
  await tab.clock.advance(3000);
  assert.deepEqual(tab.fetch.polls().map((p) => p.headers.Authorization), ['Bearer t1', 'Bearer t2']);
});

test('credentials defaults to same-origin, can be include for a cross-origin server, and is checked', async () => {
  const plain = createTab();
  plain.client.subscribe('a');
  await plain.clock.advance(0);
  assert.equal(plain.fetch.polls()[0].init.credentials, 'same-origin');
  const cross = createTab({ options: { credentials: 'include', endpoint: 'https://rt.example/cable/poll' } });
  cross.client.subscribe('a');
  await cross.clock.advance(0);
  assert.equal(cross.fetch.polls()[0].init.credentials, 'include');
  assert.throws(() => cable.connect({ credentials: 'always' }), TypeError);
});

test('a filter() view can be disposed: its handlers (and its own views\') fire no more', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  const seen = [];
  const sub = tab.client.subscribe('chat');
  const views = [];
  for (let i = 0; i < 1000; i++) {
    const view = sub.filter((p) => p.room === 'a').on('m', () => seen.push(i));
    view.filter(() => true).on('m', () => seen.push('inner' + i));
    views.push(view);
  }
  views.forEach((v, i) => { if (i > 0) v.dispose(); });
  views[0].dispose();
  views[0].dispose(); // twice is harmless
  if (!MINIFIED) assert.equal(sub._views.length, 0, 'nothing kept on the subscription');
  await tab.clock.advance(0);
  server.emit('chat', 'm', { room: 'a' });
  await tab.clock.advance(3000);
  assert.deepEqual(seen, []);
});
