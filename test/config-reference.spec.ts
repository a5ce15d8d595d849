import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { baseConfigSchema, describeConfig, port } from '@gatehouse/config';

const root = resolve(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface ConfigSource {
  service: string;
  module: string;
  exportName: string;
}

interface Generator {
  OUTPUT: string;
  CONFIG_SOURCES: ConfigSource[];
  mainOf(service: string): string;
  defaultPortOf(mainSource: string, service: string): number;
  renderConfigReference(input: {
    base: z.ZodRawShape;
    port: typeof port;
    describe: typeof describeConfig;
    services: Array<{ service: string; defaultPort: number; shape: z.ZodRawShape }>;
  }): string;
}

// A variable path keeps TypeScript from looking for declarations of the .mjs script.
const generatorPath = join(root, 'scripts', 'config-reference.mjs');
const loadGenerator = async () => (await import(generatorPath)) as Generator;

async function shapeOf(source: ConfigSource): Promise<z.ZodRawShape> {
  const module = (await import(join(root, `${source.module}.ts`))) as Record<string, z.ZodRawShape | undefined>;
  const shape = module[source.exportName];
  if (!shape) throw new Error(`${source.module}.ts exports no ${source.exportName}`);
  return shape;
}

describe('configuration reference', () => {
  it('covers every service, with the shape its main.ts hands to runService', async () => {
    const { CONFIG_SOURCES, mainOf } = await loadGenerator();
    const services = readdirSync(join(root, 'services'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, mainOf(entry.name))))
      .map((entry) => entry.name)
      .sort();
    expect(CONFIG_SOURCES.map((source) => source.service).sort()).toEqual(services);
    for (const source of CONFIG_SOURCES) {
      expect(read(mainOf(source.service)), `${mainOf(source.service)} passes ${source.exportName}`).toMatch(new RegExp(`config:\\s*${source.exportName}\\b`));
    }
  });

  it('docs/operations/configuration.md is what the schemas generate (node scripts/build.mjs && node scripts/config-reference.mjs)', async () => {
    const generator = await loadGenerator();
    const services = await Promise.all(
      generator.CONFIG_SOURCES.map(async (source) => ({
        service: source.service,
        defaultPort: generator.defaultPortOf(read(generator.mainOf(source.service)), source.service),
        shape: await shapeOf(source),
      })),
    );
    const expected = generator.renderConfigReference({ base: baseConfigSchema, port, describe: describeConfig, services });
    expect(read(generator.OUTPUT)).toBe(expected);
  });

  it('renders one row per variable with its default, and marks required ones', async () => {
    const { renderConfigReference } = await loadGenerator();
    const text = renderConfigReference({ base: baseConfigSchema, port, describe: describeConfig, services: [] });
    for (const name of Object.keys(baseConfigSchema)) expect(text).toContain(`| \`${name}\` |`);
    expect(text).toMatch(/\| `DATABASE_URL` \| string \| \*\*required\*\* \|/);
    expect(text).toMatch(/\| `LOG_LEVEL` \| fatal \\\| error .* \| `info` \|/);
  });
});
