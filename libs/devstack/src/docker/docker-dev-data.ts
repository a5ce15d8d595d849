import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

/** A store `npm start` keeps in Docker: a named volume for its data and the one container name allowed to use it. */
export interface DockerStore {
  readonly container: string;
  readonly volume: string;
}

export interface DockerDevStores {
  readonly kafka: DockerStore;
  readonly postgres: DockerStore;
}

/**
 * The Docker names of `npm start`'s Kafka and Postgres data, derived from the state folder so
 * that two checkouts never share data and one checkout always finds its own again.
 */
export function dockerDevStores(stateDir: string): DockerDevStores {
  const id = createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 10);
  const store = (name: string): DockerStore => ({ container: `gatehouse-${id}-${name}`, volume: `gatehouse-${id}-${name}-data` });
  return { kafka: store('kafka'), postgres: store('postgres') };
}

/**
 * What to do with a container that already holds a store's name. None: create it. Stopped (a
 * start that crashed, or a reaper that has not removed it yet): remove it, the data is on the
 * volume. Running: another `npm start` works on this data; two servers on one data folder
 * corrupt it, so refuse.
 */
export function existingContainerAction(existing: { readonly running: boolean } | undefined): 'create' | 'replace' | 'refuse' {
  if (existing === undefined) return 'create';
  return existing.running ? 'refuse' : 'replace';
}

/** The stores `--clean` empties: those Docker runs this time (never data Docker does not hold). */
export function storesToClean(stores: DockerDevStores, sources: { readonly kafka: string; readonly postgres: string }): DockerStore[] {
  return [sources.kafka === 'docker' ? stores.kafka : undefined, sources.postgres === 'docker' ? stores.postgres : undefined].filter(
    (store): store is DockerStore => store !== undefined,
  );
}
