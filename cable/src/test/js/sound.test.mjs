import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import vm from 'node:vm';

const source = fs.readFileSync(new URL('../../main/resources/META-INF/resources/cable.js', import.meta.url), 'utf8');

/** A fresh page: cable.js loaded as a classic script with a fake document and Audio. */
function page({ navigator = {}, play = () => Promise.resolve() } = {}) {
  const played = [];
  class Audio {
    constructor(url) {
      this.url = url;
      this.volume = 1;
    }

    play() {
      played.push({ url: this.url, volume: this.volume });
      return play();
    }
  }
  const document = new EventTarget();
  const context = vm.createContext({ document, navigator, Audio });
  vm.runInContext(source, context);
  return { cable: context.cable, document, played };
}

test('playSound queues until the first user interaction, then plays only the latest sound', () => {
  const { cable, document, played } = page();
  cable.playSound('/a.mp3', 0.2);
  cable.playSound('/b.mp3', 0.5);
  assert.deepEqual(played, []);
  document.dispatchEvent(new Event('pointerdown'));
  assert.deepEqual(played, [{ url: '/b.mp3', volume: 0.5 }]);
  document.dispatchEvent(new Event('pointerdown'));
  assert.equal(played.length, 1, 'the queue is empty after playing');
  cable.playSound('/c.mp3');
  assert.deepEqual(played.at(-1), { url: '/c.mp3', volume: 1 }, 'after an interaction sounds play at once');
});

test('keydown and touchstart count as interactions too', () => {
  for (const type of ['keydown', 'touchstart']) {
    const { cable, document, played } = page();
    cable.playSound('/x.mp3');
    document.dispatchEvent(new Event(type));
    assert.equal(played.length, 1, type);
  }
});

test('an interaction before the first playSound call is remembered', () => {
  const { cable, document, played } = page();
  document.dispatchEvent(new Event('keydown'));
  cable.playSound('/x.mp3');
  assert.equal(played.length, 1);
});

test('navigator.userActivation.hasBeenActive counts as an interaction', () => {
  const { cable, played } = page({ navigator: { userActivation: { hasBeenActive: true } } });
  cable.playSound('/x.mp3', 0.3);
  assert.deepEqual(played, [{ url: '/x.mp3', volume: 0.3 }]);
});

test('the volume is clamped to [0, 1]', () => {
  const { cable, document, played } = page();
  document.dispatchEvent(new Event('pointerdown'));
  cable.playSound('/a', 7);
  cable.playSound('/b', -2);
  cable.playSound('/c', Number.NaN);
  cable.playSound('/d', 0);
  assert.deepEqual(played.map((p) => p.volume), [1, 0, 1, 0]);
});

test('a rejected play() promise is swallowed', async () => {
  let rejections = 0;
  const onRejection = () => { rejections++; };
  process.on('unhandledRejection', onRejection);
  try {
    const { cable, document } = page({ play: () => Promise.reject(new Error('NotAllowedError')) });
    document.dispatchEvent(new Event('pointerdown'));
    cable.playSound('/a');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(rejections, 0);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
});
