// Lets a child process of an integration spec run the TypeScript sources directly:
// `node --require libs/messaging/src/testing/register-ts.cjs fixture.ts`.
const { transformSync } = require('@swc/core');
const { readdirSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '../../../..');
const paths = Object.fromEntries(
  readdirSync(join(root, 'libs'))
    .filter((name) => !name.startsWith('.'))
    .map((name) => [`@gatehouse/${name}`, [`libs/${name}/src`]]),
);

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      baseUrl: root,
      paths,
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
  });
  module._compile(code, filename);
};
