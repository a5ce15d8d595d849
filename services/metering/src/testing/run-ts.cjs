// Runs a TypeScript entry point in a child process (for crash tests): compiles each .ts file
// with SWC on require, the way vitest does, and maps @gatehouse/<lib> to libs/<lib>/src.
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { join, resolve } = require('node:path');
const { transformSync } = require('@swc/core');

const root = resolve(__dirname, '../../../..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  const alias = /^@gatehouse\/([a-z-]+)$/.exec(request);
  return resolveFilename.call(this, alias ? join(root, 'libs', alias[1], 'src') : request, parent, isMain, options);
};
Module._extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, keepClassNames: true },
  });
  module._compile(code, filename);
};

const entry = process.argv[2];
if (!entry) throw new Error('usage: node run-ts.cjs <file.ts>');
require(resolve(entry));
