// Compiles libs/ and services/ to dist/ with SWC (decorator metadata included) and rewrites
// the @gatehouse/* path aliases to relative requires. Type checking is `npm run typecheck`.
import { transformFile } from '@swc/core';
import { chmod, mkdir, readdir, writeFile, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const sources = ['libs', 'services', 'bench'];
const skip = /\.(spec|int-spec|e2e-spec|fault-spec|test)\.ts$|\.d\.ts$/;

const libs = (await readdir(join(root, 'libs'))).filter((name) => !name.startsWith('.'));
const paths = Object.fromEntries(libs.map((name) => [`@gatehouse/${name}`, [`libs/${name}/src`]]));
// Sub-path entry points, as in tsconfig.json "paths".
paths['@gatehouse/ai/testing'] = ['libs/ai/src/testing'];

async function* walk(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.name.endsWith('.ts') && !skip.test(entry.name)) yield full;
  }
}

const options = (file) => ({
  filename: file,
  sourceMaps: true,
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

const started = Date.now();
await rm(out, { recursive: true, force: true });
let count = 0;
const jobs = [];
for (const source of sources) {
  for await (const file of walk(join(root, source))) {
    jobs.push(
      (async () => {
        const { code, map } = await transformFile(file, options(file));
        const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
        if (code.startsWith('#!')) await chmod(target, 0o755);
        if (map) await writeFile(`${target}.map`, map);
        count += 1;
      })(),
    );
  }
}
await Promise.all(jobs);
if (!process.env.CI_QUIET) console.log(`built ${count} files into dist/ in ${Date.now() - started} ms`);
