import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTab } from './fakes.mjs';

const gaps = (tab) => {
  const at = tab.fetch.polls().map((p) => p.at);
  return at.slice(1).map((t, i) => t - at[i]);
};

test('a hidden tab polls every hiddenPollInterval', async () => {
  const tab = createTab({ options: { pollInterval: 3000, hiddenPollInterval: 30000 } });
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  await tab.clock.advance(6000);
  tab.document.setVisibility('hidden');
  await tab.clock.advance(3000); // this timer was already set with the visible interval
  await tab.clock.advance(90000);
  assert.deepEqual(gaps(tab), [3000, 3000, 3000, 30000, 30000, 30000]);
});

test('becoming visible polls at once and cancels the pending timer', async () => {
  const tab = createTab({ options: { hiddenPollInterval: 30000 } });
  tab.document.visibilityState = 'hidden';
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  await tab.clock.advance(10000);
  assert.equal(tab.fetch.polls().length, 1);
  tab.document.setVisibility('visible');
  await tab.clock.advance(0);
  assert.equal(tab.fetch.polls().length, 2);
  assert.deepEqual(tab.clock.pending(), [3000], 'the hidden timer is gone; back to pollInterval');
  await tab.clock.advance(3000);
  assert.equal(tab.fetch.polls().length, 3);
});

test('the window online event polls at once', async () => {
  const tab = createTab();
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  await tab.clock.advance(1000);
  tab.window.dispatchEvent(new Event('online'));
  await tab.clock.advance(0);
  assert.equal(tab.fetch.polls().length, 2);
  assert.deepEqual(tab.clock.pending(), [3000]);
});

test('long polling pauses while the tab is hidden', async () => {
  const tab = createTab({ options: { longPoll: true, hiddenPollInterval: 30000 } });
  tab.document.visibilityState = 'hidden';
  tab.client.subscribe('c');
  await tab.clock.advance(0);
  assert.equal(tab.fetch.polls()[0].body.wait, undefined);
  assert.deepEqual(tab.clock.pending(), [30000]);
});
