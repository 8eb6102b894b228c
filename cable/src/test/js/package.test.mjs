// What ships of cable.js (built by scripts/build-client.mjs in Maven's process-resources phase): the
// npm tarball holds exactly the files the server serves, its exports resolve, the size budget holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const target = new URL('../../../target/', import.meta.url);
const built = fs.existsSync(new URL('client-size.json', target));
const skip = built ? false : 'run through Maven (the build makes target/npm)';

test('the npm tarball holds exactly the files the server serves, and package.json', { skip }, () => {
  const size = JSON.parse(fs.readFileSync(new URL('client-size.json', target), 'utf8'));
  const tarball = fs.readdirSync(target).find((f) => f.endsWith(`-${size.version}.tgz`));
  assert.ok(tarball, 'npm pack made a tarball');
  const files = execFileSync('tar', ['-tzf', new URL(tarball, target).pathname], { encoding: 'utf8' })
    .trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
  assert.deepEqual(files, ['cable.d.mts', 'cable.d.ts', 'cable.js', 'cable.min.js', 'cable.mjs', 'package.json']);
  const served = new URL('../../main/resources/META-INF/resources/', import.meta.url);
  for (const file of ['cable.js', 'cable.mjs', 'cable.d.ts', 'cable.d.mts']) {
    assert.equal(fs.readFileSync(new URL(`npm/${file}`, target), 'utf8'), fs.readFileSync(new URL(file, served), 'utf8'), file);
  }
  assert.equal(fs.readFileSync(new URL(`npm/cable.min.js`, target), 'utf8'),
    fs.readFileSync(new URL(`classes/META-INF/cable-client/${size.version}/cable.min.js`, target), 'utf8'),
    'the package\'s minified build is the one the server serves');
});

test('package.json names the script, the ES module and both type declarations', { skip }, () => {
  const pkg = JSON.parse(fs.readFileSync(new URL('npm/package.json', target), 'utf8'));
  assert.deepEqual(pkg.exports['.'], {
    import: { types: './cable.d.mts', default: './cable.mjs' },
    default: { types: './cable.d.ts', default: './cable.js' },
  });
  for (const file of [pkg.main, pkg.module, pkg.types, './cable.min.js']) {
    assert.ok(fs.existsSync(new URL(`npm/${file}`, target)), file);
  }
});

test('minified and gzipped, the client stays within 9 KB', { skip }, () => {
  const size = JSON.parse(fs.readFileSync(new URL('client-size.json', target), 'utf8'));
  assert.ok(size.gzip <= 9216, `${size.gzip} bytes`);
  assert.equal(size.budget, 9216);
  console.log(`cable.js ${size.version}: ${size.plain} bytes; minified ${size.minified}; minified + gzip ${size.gzip}`);
});
