// Builds what ships of cable.js besides the plain files: the minified script the server serves under
// a versioned path (cable-client/<version>/cable.min.js, with a gzip twin) and the npm package
// (target/npm, packed into target/). Fails when the minified, gzipped script exceeds the budget or
// when package.json and cable.js disagree on the version. Run by Maven (process-resources).
import { minify } from 'terser';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const BUDGET_BYTES = 9 * 1024; // minified + gzip (8 KiB until the exact presence member list)
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const sources = path.join(root, 'src/main/resources/META-INF/resources');
const target = path.join(root, 'target');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const source = fs.readFileSync(path.join(sources, 'cable.js'), 'utf8');

const declared = /const VERSION = '([^']+)'/.exec(source);
if (!declared || declared[1] !== pkg.version) {
  console.error(`cable.js declares version ${declared && declared[1]}, package.json ${pkg.version}: make them equal`);
  process.exit(1);
}
const version = pkg.version;

const minified = await minify(source, {
  ecma: 2020,
  compress: { passes: 3, pure_getters: true },
  // the parts' internals are all named _like this and never leave the script: shorten them too
  mangle: { properties: { regex: /^_/ } },
  format: { comments: false, preamble: `/*! cable.js ${version} */` },
});
const gzipped = zlib.gzipSync(minified.code, { level: 9 });
if (gzipped.length > BUDGET_BYTES) {
  console.error(`cable.min.js is ${gzipped.length} bytes gzipped, over the budget of ${BUDGET_BYTES}`);
  process.exit(1);
}

// Served by the library (ClientScriptServlet) from the jar, never changing under its name.
const served = path.join(target, 'classes/META-INF/cable-client', version);
fs.mkdirSync(served, { recursive: true });
fs.writeFileSync(path.join(served, 'cable.min.js'), minified.code);
fs.writeFileSync(path.join(served, 'cable.min.js.gz'), gzipped);

// The npm package: exactly the files the server serves.
const npm = path.join(target, 'npm');
fs.rmSync(npm, { recursive: true, force: true });
fs.mkdirSync(npm, { recursive: true });
const files = ['cable.js', 'cable.mjs', 'cable.d.ts', 'cable.d.mts'];
for (const file of files) fs.copyFileSync(path.join(sources, file), path.join(npm, file));
fs.writeFileSync(path.join(npm, 'cable.min.js'), minified.code);
fs.writeFileSync(path.join(npm, 'package.json'), JSON.stringify({
  name: pkg.name,
  version,
  description: pkg.description,
  license: pkg.license,
  main: './cable.js',
  module: './cable.mjs',
  types: './cable.d.ts',
  exports: {
    '.': {
      import: { types: './cable.d.mts', default: './cable.mjs' },
      default: { types: './cable.d.ts', default: './cable.js' },
    },
    './cable.min.js': './cable.min.js',
    './package.json': './package.json',
  },
  sideEffects: true,
  files: [...files, 'cable.min.js'],
}, null, 2) + '\n');
execFileSync('npm', ['pack', '--silent', '--pack-destination', target], { cwd: npm, stdio: ['ignore', 'ignore', 'inherit'] });

const report = { version, plain: Buffer.byteLength(source), minified: Buffer.byteLength(minified.code), gzip: gzipped.length, budget: BUDGET_BYTES };
fs.writeFileSync(path.join(target, 'client-size.json'), JSON.stringify(report) + '\n');
console.log(`cable.js ${version}: ${report.plain} bytes, minified ${report.minified}, minified + gzip ${report.gzip} (budget ${BUDGET_BYTES})`);
