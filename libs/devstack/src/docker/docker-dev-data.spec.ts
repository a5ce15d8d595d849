import { describe, expect, it } from 'vitest';
import { dockerDevStores, existingContainerAction, storesToClean } from './docker-dev-data';

describe('dockerDevStores', () => {
  it('finds the same container and volume names again for the same state folder', () => {
    expect(dockerDevStores('/home/me/gatehouse/.gatehouse')).toEqual(dockerDevStores('/home/me/gatehouse/.gatehouse/'));
  });

  it('gives two checkouts different names, so they never share data', () => {
    const one = dockerDevStores('/home/me/one/.gatehouse');
    const two = dockerDevStores('/home/me/two/.gatehouse');
    expect(one.kafka.volume).not.toBe(two.kafka.volume);
    expect(one.postgres.container).not.toBe(two.postgres.container);
  });

  it('names a container and a volume per store, valid as Docker names', () => {
    const stores = dockerDevStores('/srv/gatehouse/.gatehouse');
    const names = [stores.kafka.container, stores.kafka.volume, stores.postgres.container, stores.postgres.volume];
    expect(new Set(names).size).toBe(4);
    for (const name of names) expect(name).toMatch(/^gatehouse-[0-9a-f]{10}-(kafka|postgres)(-data)?$/);
  });
});

describe('existingContainerAction', () => {
  it('creates the container when the name is free', () => {
    expect(existingContainerAction(undefined)).toBe('create');
  });

  it('replaces a stopped container left by an earlier start (the data is on the volume)', () => {
    expect(existingContainerAction({ running: false })).toBe('replace');
  });

  it('refuses while another start runs a server on the same data', () => {
    expect(existingContainerAction({ running: true })).toBe('refuse');
  });
});

describe('storesToClean', () => {
  const stores = dockerDevStores('/srv/gatehouse/.gatehouse');

  it('empties the stores Docker runs', () => {
    expect(storesToClean(stores, { kafka: 'docker', postgres: 'docker' })).toEqual([stores.kafka, stores.postgres]);
  });

  it('leaves Docker volumes alone for stores that come from elsewhere this time', () => {
    expect(storesToClean(stores, { kafka: 'env', postgres: 'docker' })).toEqual([stores.postgres]);
    expect(storesToClean(stores, { kafka: 'local', postgres: 'local-server' })).toEqual([]);
  });
});
