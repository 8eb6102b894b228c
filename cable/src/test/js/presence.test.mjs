import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTab, FakeServer, recorder } from './fakes.mjs';

const presenceCalls = (tab) => tab.fetch.calls.filter((c) => c.url.includes('/presence/'));

test('join, heartbeat and leave POST channel, session and info as JSON with the headers', async () => {
  const tab = createTab({ options: { headers: { Authorization: 'Bearer abc' }, heartbeatInterval: 20000 } });
  const sub = tab.client.subscribe('chat:42');
  const joined = await sub.join({ name: 'Alice' });
  assert.deepEqual(joined, { users: [], count: 0 });
  await tab.clock.advance(20000);
  await sub.leave();
  const calls = presenceCalls(tab);
  assert.deepEqual(calls.map((c) => [c.method, c.url]), [
    ['POST', '/cable/presence/join'],
    ['POST', '/cable/presence/heartbeat'],
    ['POST', '/cable/presence/leave'],
  ]);
  const session = tab.client.session;
  assert.match(session, /^tab\d+-\d+$/);
  assert.deepEqual(calls[0].body, { channel: 'chat:42', session, info: { name: 'Alice' } });
  assert.deepEqual(calls[1].body, { channel: 'chat:42', session });
  assert.deepEqual(calls[2].body, { channel: 'chat:42', session });
  for (const c of calls) {
    assert.equal(c.headers.Authorization, 'Bearer abc');
    assert.equal(c.headers['Content-Type'], 'application/json');
  }
});

test('heartbeats repeat every heartbeatInterval while joined and stop after leave', async () => {
  const tab = createTab({ options: { heartbeatInterval: 20000 } });
  const a = tab.client.subscribe('a');
  const b = tab.client.subscribe('b');
  await a.join();
  await b.join();
  await tab.clock.advance(60000);
  const beats = () => presenceCalls(tab).filter((c) => c.url.endsWith('/heartbeat'));
  assert.deepEqual(beats().map((c) => c.body.channel), ['a', 'b', 'a', 'b', 'a', 'b']);
  await a.leave();
  await tab.clock.advance(20000);
  assert.deepEqual(beats().slice(6).map((c) => c.body.channel), ['b']);
  await b.leave();
  await tab.clock.advance(60000);
  assert.equal(beats().length, 7);
});

test('users() POSTs for the member list of the channel', async () => {
  const server = new FakeServer();
  const tab = createTab({
    server,
    route: (call) => (call.url.includes('/users')
      ? { status: 200, body: { users: [{ id: 'alice', info: null }], count: 1 } }
      : server.handle(call)),
    options: { endpoint: '/app/cable/poll' },
  });
  const list = await tab.client.subscribe('chat:42').users();
  assert.deepEqual(list, { users: [{ id: 'alice', info: null }], count: 1 });
  const call = tab.fetch.calls.at(-1);
  assert.equal(call.method, 'POST');
  assert.equal(call.url, '/app/cable/presence/users', 'presenceEndpoint derived from endpoint');
  assert.equal(call.body.channel, 'chat:42');
});

test('a refused presence request rejects with the server\'s error message', async () => {
  const tab = createTab({ route: () => ({ status: 401, body: { error: 'presence needs an authenticated user' } }) });
  await assert.rejects(tab.client.subscribe('c').join(), (e) => e.status === 401 && /authenticated user/.test(e.message));
});

test('presence:join gets the user objects named in joined, presence:leave the ids in left', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  const r = recorder();
  tab.client.subscribe('room', {
    'presence:update': r.on('update'),
    'presence:join': r.on('join'),
    'presence:leave': r.on('leave'),
  });
  await tab.clock.advance(0);
  const update = {
    users: [{ id: 'alice', info: { name: 'Alice' } }, { id: 'bob', info: null }],
    count: 2, timestamp: 't', joined: ['bob'], left: ['carol'],
  };
  server.emit('room', 'presence:update', update);
  await tab.clock.advance(3000);
  assert.deepEqual(r.seen.map((s) => [s[0], s[1]]), [
    ['update', update],
    ['join', { id: 'bob', info: null }],
    ['leave', 'carol'],
  ]);
});

test('without joined and left, presence:join and presence:leave are derived from the previous users', async () => {
  const server = new FakeServer();
  const tab = createTab({ server });
  const r = recorder();
  tab.client.subscribe('room', { 'presence:join': r.on('join'), 'presence:leave': r.on('leave') });
  await tab.clock.advance(0);
  server.emit('room', 'presence:update', { users: [{ id: 'alice', info: 1 }], count: 1, timestamp: 't' });
  server.emit('room', 'presence:update', { users: [{ id: 'alice', info: 1 }, { id: 'bob', info: 2 }], count: 2, timestamp: 't' });
  server.emit('room', 'presence:update', { users: [{ id: 'bob', info: 2 }], count: 1, timestamp: 't' });
  await tab.clock.advance(3000);
  assert.deepEqual(r.seen.map((s) => [s[0], s[1]]), [
    ['join', { id: 'alice', info: 1 }],
    ['join', { id: 'bob', info: 2 }],
    ['leave', 'alice'],
  ]);
});

test('pagehide leaves the joined channels with sendBeacon and a JSON Blob', async () => {
  const beacons = [];
  const tab = createTab({ navigator: { sendBeacon: (url, data) => { beacons.push([url, data]); return true; } } });
  const sub = tab.client.subscribe('room');
  await sub.join({ name: 'A' });
  tab.window.dispatchEvent(new Event('pagehide'));
  assert.equal(beacons.length, 1);
  const [url, blob] = beacons[0];
  assert.equal(url, '/cable/presence/leave');
  assert.equal(blob.type, 'application/json');
  assert.deepEqual(JSON.parse(await blob.text()), { channel: 'room', session: tab.client.session });
  await tab.clock.advance(60000);
  assert.equal(presenceCalls(tab).filter((c) => c.url.endsWith('/heartbeat')).length, 0, 'no heartbeat after pagehide');
  assert.equal(tab.fetch.polls().length, 0, 'a hidden-away page does not poll');
});

test('pagehide uses fetch keepalive when headers are configured (a beacon cannot carry them)', async () => {
  const beacons = [];
  const tab = createTab({
    navigator: { sendBeacon: () => { beacons.push(1); return true; } },
    options: { headers: { 'X-CSRF-Token': 'x' } },
  });
  await tab.client.subscribe('room').join();
  tab.window.dispatchEvent(new Event('pagehide'));
  const last = tab.fetch.calls.at(-1);
  assert.equal(beacons.length, 0);
  assert.equal(last.url, '/cable/presence/leave');
  assert.equal(last.init.keepalive, true);
  assert.equal(last.headers['X-CSRF-Token'], 'x');
  assert.equal(last.headers['Content-Type'], 'application/json');
});

test('coming back from the back/forward cache joins again and polls again', async () => {
  const tab = createTab({ navigator: { sendBeacon: () => true } });
  const sub = tab.client.subscribe('room');
  await sub.join({ name: 'A' });
  await tab.clock.advance(0);
  tab.window.dispatchEvent(new Event('pagehide'));
  const polls = tab.fetch.polls().length;
  tab.window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  await tab.clock.advance(0);
  const joins = presenceCalls(tab).filter((c) => c.url.endsWith('/join'));
  assert.equal(joins.length, 2);
  assert.deepEqual(joins[1].body.info, { name: 'A' });
  assert.equal(tab.fetch.polls().length, polls + 1);
});

test('unsubscribe leaves presence unless another subscription of the tab is joined', async () => {
  const tab = createTab();
  const a = tab.client.subscribe('room');
  const b = tab.client.subscribe('room');
  await a.join();
  await b.join();
  a.unsubscribe();
  await tab.clock.advance(0);
  assert.equal(presenceCalls(tab).filter((c) => c.url.endsWith('/leave')).length, 0);
  b.unsubscribe();
  await tab.clock.advance(0);
  assert.equal(presenceCalls(tab).filter((c) => c.url.endsWith('/leave')).length, 1);
});

test('disconnect leaves every joined channel', async () => {
  const tab = createTab();
  await tab.client.subscribe('a').join();
  await tab.client.subscribe('b').join();
  tab.client.disconnect();
  await tab.clock.advance(0);
  assert.deepEqual(presenceCalls(tab).filter((c) => c.url.endsWith('/leave')).map((c) => c.body.channel), ['a', 'b']);
});

test('a heartbeat the server refuses with 404 or 401 joins again, with the info', async () => {
  for (const status of [404, 401]) {
    const server = new FakeServer();
    let refuse = false;
    const tab = createTab({ server, options: { heartbeatInterval: 20000 } });
    server.hook = null;
    const handle = server.handle.bind(server);
    server.handle = (call) => (refuse && call.url.endsWith('/heartbeat')
      ? { status, body: { error: 'not present' } } : handle(call));
    const sub = tab.client.subscribe('room');
    await sub.join({ name: 'Alice' });
    refuse = true;
    await tab.clock.advance(20000);
    const joins = presenceCalls(tab).filter((c) => c.url.endsWith('/join'));
    assert.equal(joins.length, 2, `joined again after a ${status} heartbeat`);
    assert.deepEqual(joins[1].body.info, { name: 'Alice' });
  }
});

test('connected again after an outage, the tab joins its channels again with their info', async () => {
  const server = new FakeServer();
  let down = false;
  const tab = createTab({ server, options: { heartbeatInterval: 60000 } });
  const handle = server.handle.bind(server);
  server.handle = (call) => (down ? { status: 503, body: { error: 'down' }, headers: { 'Retry-After': '1' } } : handle(call));
  const sub = tab.client.subscribe('room');
  await tab.clock.advance(0);
  await sub.join({ name: 'Bob' });
  down = true;
  await tab.clock.advance(3000);
  assert.equal(tab.client.state, 'reconnecting');
  down = false;
  await tab.clock.advance(30000);
  assert.equal(tab.client.state, 'connected');
  const joins = presenceCalls(tab).filter((c) => c.url.endsWith('/join'));
  assert.equal(joins.length, 2, 'joined again once, after the outage');
  assert.deepEqual(joins[1].body.info, { name: 'Bob' });
});

test('a reset on a joined channel joins it again with the info (the store may have lost the presence too)', async () => {
  const server = new FakeServer();
  server.emit('room', 'm', 1);
  const tab = createTab({ server, options: { heartbeatInterval: 60000 } });
  const sub = tab.client.subscribe('room', {}, { lastId: server.lastId('room') });
  await sub.join({ name: 'Eve' });
  await tab.clock.advance(0);
  server.channels.delete('room'); // the store lost the channel: a new life, the cursor is from the old one
  server.emit('room', 'm', 2);
  await tab.clock.advance(3000);
  const joins = presenceCalls(tab).filter((c) => c.url.endsWith('/join'));
  assert.equal(joins.length, 2, 'joined again after the reset');
  assert.deepEqual(joins[1].body.info, { name: 'Eve' });
});

test('a join again that the server refuses (401: the login is gone) is told to the joined subscription as error', async () => {
  const server = new FakeServer();
  let loggedIn = true;
  const tab = createTab({ server, options: { heartbeatInterval: 20000 } });
  const handle = server.handle.bind(server);
  server.handle = (call) => (!loggedIn && call.url.includes('/presence/')
    ? { status: 401, body: { error: 'who are you?' } } : handle(call));
  const errors = [];
  const sub = tab.client.subscribe('room', { error: (e) => errors.push(e) });
  await sub.join({ name: 'Zoe' });
  loggedIn = false; // e.g. the server restarted and the HTTP session with the login is gone
  await tab.clock.advance(20000);
  assert.deepEqual(errors, [{ channel: 'room', status: 401, message: 'who are you?', presence: true }]);
});
