import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const libs = ['contracts', 'messaging', 'persistence', 'observability', 'devstack', 'config', 'auth', 'testing', 'platform', 'ai', 'vault'];
const alias = Object.fromEntries(libs.map((name) => [`@gatehouse/${name}`, resolve(import.meta.dirname, `libs/${name}/src`)]));

// SWC keeps decorator metadata, which NestJS dependency injection needs.
const plugins = [swc.vite({ jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, keepClassNames: true } })];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    reporters: ['default'],
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['libs/**/*.spec.ts', 'services/**/*.spec.ts', 'test/**/*.spec.ts', 'bench/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['libs/**/*.int-spec.ts', 'services/**/*.int-spec.ts', 'test/**/*.e2e-spec.ts'],
          environment: 'node',
          globalSetup: ['test/setup/infra.global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'faults',
          sequence: { groupOrder: 2 },
          include: ['libs/**/*.fault-spec.ts', 'services/**/*.fault-spec.ts', 'test/**/*.fault-spec.ts'],
          environment: 'node',
          globalSetup: ['test/setup/infra.global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
