import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import vm from 'node:vm';

const webapp = new URL('../../main/resources/META-INF/resources/', import.meta.url);
const source = fs.readFileSync(new URL('cable.js', webapp), 'utf8');

test('cable.js as a classic script defines the global cable and nothing else', () => {
  const context = vm.createContext({});
  const before = new Set(Object.getOwnPropertyNames(context));
  vm.runInContext(source, context);
  const added = Object.getOwnPropertyNames(context).filter((name) => !before.has(name));
  assert.deepEqual(added, ['cable']);
  assert.equal(typeof context.cable.connect, 'function');
  assert.equal(typeof context.cable.playSound, 'function');
  assert.match(context.cable.version, /^\d+\.\d+\.\d+$/);
});

test('cable.js is strict-mode code without import or export statements', () => {
  assert.match(source, /^\(function \(\) \{\n {2}'use strict';/m);
  assert.doesNotMatch(source, /^\s*(export|import)\s/m);
  // Parses and runs as strict code, like an ES module.
  vm.runInContext('"use strict";\n' + source, vm.createContext({}));
});

test('loading cable.js twice keeps the first global', () => {
  const context = vm.createContext({});
  vm.runInContext(source, context);
  const first = context.cable;
  vm.runInContext(source, context);
  assert.equal(context.cable, first);
});

test('cable.mjs exports the global as default and as cable', async () => {
  const module = await import(new URL('cable.mjs', webapp));
  assert.equal(module.default, globalThis.cable);
  assert.equal(module.cable, globalThis.cable);
  assert.equal(typeof module.default.connect, 'function');
});

test('cable.d.ts declares the public API', () => {
  const dts = fs.readFileSync(new URL('cable.d.ts', webapp), 'utf8');
  for (const name of ['connect(', 'playSound(', 'subscribe(', 'unsubscribe(', 'filter(', 'join(', 'leave(',
    'users(', 'onStateChange(', 'disconnect(', "'cable:reset'", 'longPoll?', 'hiddenPollInterval?',
    'maxBackoff?', 'presenceEndpoint?', 'heartbeatInterval?', 'shareTabs?', 'channelName?', 'env?']) {
    assert.ok(dts.includes(name), name);
  }
});

test('cable.d.mts gives ES-module users the same types as cable.d.ts', () => {
  const dmts = fs.readFileSync(new URL('cable.d.mts', webapp), 'utf8');
  assert.match(dmts, /export \* from '\.\/cable\.js'/);
  assert.match(dmts, /export \{ default \} from '\.\/cable\.js'/);
});
