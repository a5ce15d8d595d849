import { describe, expect, it } from 'vitest';
import { extractParams, type RouteDefinition, RouteTable } from './route-table';

const route = (id: string, template: string, methods = ['GET'], host: string | null = null): RouteDefinition<string> => ({ id, host, methods, template, value: id });

describe('RouteTable', () => {
  const table = new RouteTable([
    route('pet', '/pets/v1/pets/{petId}'),
    route('mine', '/pets/v1/pets/mine'),
    route('photos', '/pets/v1/pets/{petId}/photos'),
    route('owner-photos', '/pets/v1/{kind}/{id}/photos'),
    route('create', '/pets/v1/pets', ['POST']),
    route('files', '/files/{path*}'),
    route('files-readme', '/files/readme'),
    route('root', '/'),
    route('host-pet', '/pets/v1/pets/{petId}', ['GET'], 'api.example.com'),
  ]);

  it('prefers a static segment over a parameter', () => {
    expect(table.match('', 'GET', '/pets/v1/pets/mine')).toBe('mine');
    expect(table.match('', 'GET', '/pets/v1/pets/42')).toBe('pet');
  });

  it('backtracks from a static branch that dead-ends to a parameter branch', () => {
    expect(table.match('', 'GET', '/pets/v1/pets/mine/photos')).toBe('photos');
    expect(table.match('', 'GET', '/pets/v1/owners/7/photos')).toBe('owner-photos');
  });

  it('matches by method', () => {
    expect(table.match('', 'POST', '/pets/v1/pets')).toBe('create');
    expect(table.match('', 'GET', '/pets/v1/pets')).toBeUndefined();
    expect(table.match('', 'DELETE', '/pets/v1/pets/1')).toBeUndefined();
  });

  it('prefers any host-specific match over host-less routes and falls back to them', () => {
    expect(table.match('api.example.com', 'GET', '/pets/v1/pets/1')).toBe('host-pet');
    expect(table.match('other.example.com', 'GET', '/pets/v1/pets/1')).toBe('pet');
    expect(table.match('api.example.com', 'GET', '/pets/v1/pets/mine')).toBe('host-pet');
    expect(table.match('api.example.com', 'GET', '/files/x')).toBe('files');
  });

  it('uses a catch-all only when nothing more specific matches', () => {
    expect(table.match('', 'GET', '/files/readme')).toBe('files-readme');
    expect(table.match('', 'GET', '/files/a/b/c.txt')).toBe('files');
    expect(table.match('', 'GET', '/files')).toBe('files');
  });

  it('does not let a parameter match an empty segment and keeps trailing slashes significant', () => {
    expect(table.match('', 'GET', '/pets/v1/pets/')).toBeUndefined();
    expect(table.match('', 'GET', '/')).toBe('root');
    expect(table.match('', 'GET', '/nothing')).toBeUndefined();
  });

  it('keeps the smallest route id on conflicts and reports malformed templates', () => {
    const conflicting = new RouteTable([route('b', '/x/{id}'), route('a', '/x/{other}'), route('bad', '/x/a{b}'), route('bad2', 'nope')]);
    expect(conflicting.match('', 'GET', '/x/1')).toBe('a');
    expect(conflicting.stats.conflicts).toEqual([{ kept: 'a', dropped: 'b' }]);
    expect(conflicting.stats.invalid.map((entry) => entry.id)).toEqual(['bad', 'bad2']);
  });

  it('lets a primary route beat a fallback one on the same template, whatever the route ids', () => {
    for (const [liveId, retiredId] of [
      ['a-live', 'b-retired'],
      ['b-live', 'a-retired'],
    ]) {
      const table = new RouteTable([{ ...route(retiredId!, '/pets/v1/pets/{id}'), fallback: true }, route(liveId!, '/pets/v1/pets/{petId}')]);
      expect(table.match('', 'GET', '/pets/v1/pets/1')).toBe(liveId);
      expect(table.stats.conflicts).toEqual([]);
    }
  });

  it('consults fallback routes only when no primary route matches, even a less specific or host-less one', () => {
    const table = new RouteTable([
      { ...route('retired-mine', '/pets/v1/pets/mine'), fallback: true },
      { ...route('retired-host', '/pets/v1/pets/{id}', ['GET'], 'api.example.com'), fallback: true },
      { ...route('retired-old', '/pets/v1/old'), fallback: true },
      route('live', '/pets/v1/pets/{petId}'),
    ]);
    expect(table.match('', 'GET', '/pets/v1/pets/mine')).toBe('live');
    expect(table.match('api.example.com', 'GET', '/pets/v1/pets/7')).toBe('live');
    expect(table.match('', 'GET', '/pets/v1/old')).toBe('retired-old');
    expect(table.match('', 'POST', '/pets/v1/pets/7')).toBeUndefined();
  });

  it('extracts parameters of a matched template', () => {
    expect(extractParams('/pets/{petId}/photos/{photoId}', '/pets/1/photos/2')).toEqual({ petId: '1', photoId: '2' });
    expect(extractParams('/files/{path*}', '/files/a/b')).toEqual({ path: 'a/b' });
  });
});
