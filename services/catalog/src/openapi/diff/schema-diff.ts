import { isRecord } from '../json-pointer';
import type { ChangeLog, Direction } from './diff.types';
import type { RefResolver } from './ref-resolver';

export interface SchemaDiffContext {
  log: ChangeLog;
  oldRefs: RefResolver;
  newRefs: RefResolver;
  operation: string;
  direction: Direction;
}

const MAX_DEPTH = 40;
type Types = Set<string> | null;

function typesOf(schema: Record<string, unknown>): Types {
  const declared = schema.type;
  let types: string[] | null = null;
  if (typeof declared === 'string') types = [declared];
  else if (Array.isArray(declared)) types = declared.map(String);
  else if (isRecord(schema.properties)) types = ['object'];
  else if (schema.items !== undefined) types = ['array'];
  if (types === null) return null;
  const set = new Set(types);
  if (schema.nullable === true) set.add('null');
  return set;
}

/** Does `wide` accept every value `narrow` accepts? (`null` = any type) */
function covers(wide: Types, narrow: Types): boolean {
  if (wide === null) return true;
  if (narrow === null) return false;
  return [...narrow].every((type) => wide.has(type) || (type === 'integer' && wide.has('number')));
}

const describeTypes = (types: Types) => (types === null ? 'any' : [...types].sort().join('|'));
const withoutNull = (types: Types) => (types === null ? null : new Set([...types].filter((type) => type !== 'null')));

/** Compares two schemas in the given direction, recording what breaks consumers. */
export function diffSchema(oldNode: unknown, newNode: unknown, location: string, context: SchemaDiffContext): void {
  walk(oldNode, newNode, location, context, new Map(), 0);
}

function walk(oldNode: unknown, newNode: unknown, location: string, context: SchemaDiffContext, seen: Map<object, Set<object>>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const before = context.oldRefs.schema(oldNode);
  const after = context.newRefs.schema(newNode);
  const pairs = seen.get(before) ?? new Set<object>();
  if (pairs.has(after)) return;
  pairs.add(after);
  seen.set(before, pairs);

  compareTypes(before, after, location, context);
  compareEnums(before, after, location, context);
  compareConstraints(before, after, location, context);
  compareProperties(before, after, location, context, seen, depth);
  compareVariants(before, after, location, context, seen, depth);
  if (before.items !== undefined && after.items !== undefined) walk(before.items, after.items, `${location}[]`, context, seen, depth + 1);
  if (isRecord(before.additionalProperties) && isRecord(after.additionalProperties)) {
    walk(before.additionalProperties, after.additionalProperties, `${location}{*}`, context, seen, depth + 1);
  }
}

function compareTypes(before: Record<string, unknown>, after: Record<string, unknown>, location: string, { log, operation, direction }: SchemaDiffContext) {
  const oldTypes = typesOf(before);
  const newTypes = typesOf(after);
  const oldCore = withoutNull(oldTypes);
  const newCore = withoutNull(newTypes);
  if (describeTypes(oldCore) !== describeTypes(newCore)) {
    const accepted = direction === 'request' ? covers(newCore, oldCore) : covers(oldCore, newCore);
    const what = `type changed from ${describeTypes(oldCore)} to ${describeTypes(newCore)}`;
    if (accepted) log.add('non-breaking', direction === 'request' ? 'type-widened' : 'type-narrowed', operation, location, `${direction} ${what}`);
    else log.add('breaking', 'type-changed', operation, location, `${direction} ${what}`);
  }
  const oldNull = oldTypes?.has('null') ?? false;
  const newNull = newTypes?.has('null') ?? false;
  if (oldNull && !newNull && oldTypes !== null && newTypes !== null) {
    log.add(direction === 'request' ? 'breaking' : 'non-breaking', 'nullable-removed', operation, location, `${direction} value may no longer be null`);
  } else if (!oldNull && newNull && oldTypes !== null && newTypes !== null) {
    log.add(direction === 'response' ? 'breaking' : 'non-breaking', 'nullable-added', operation, location, `${direction} value may now be null`);
  }
}

function compareEnums(before: Record<string, unknown>, after: Record<string, unknown>, location: string, { log, operation, direction }: SchemaDiffContext) {
  const oldEnum = Array.isArray(before.enum) ? before.enum.map((value) => JSON.stringify(value)) : null;
  const newEnum = Array.isArray(after.enum) ? after.enum.map((value) => JSON.stringify(value)) : null;
  if (oldEnum === null && newEnum === null) return;
  if (oldEnum === null) {
    log.add(direction === 'request' ? 'breaking' : 'non-breaking', 'enum-added', operation, location, `${direction} value restricted to ${newEnum!.join(', ')}`);
    return;
  }
  if (newEnum === null) {
    log.add(direction === 'response' ? 'breaking' : 'non-breaking', 'enum-removed', operation, location, `${direction} value no longer restricted to ${oldEnum.join(', ')}`);
    return;
  }
  const removed = oldEnum.filter((value) => !newEnum.includes(value));
  const added = newEnum.filter((value) => !oldEnum.includes(value));
  if (removed.length > 0) {
    log.add(direction === 'request' ? 'breaking' : 'non-breaking', 'enum-value-removed', operation, location, `${direction} enum value(s) ${removed.join(', ')} removed`);
  }
  if (added.length > 0) log.add('non-breaking', 'enum-value-added', operation, location, `${direction} enum value(s) ${added.join(', ')} added`);
}

const upperBounds = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'] as const;
const lowerBounds = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'] as const;

function compareConstraints(before: Record<string, unknown>, after: Record<string, unknown>, location: string, { log, operation, direction }: SchemaDiffContext) {
  const narrowed: string[] = [];
  const relaxed: string[] = [];
  const numeric = (value: unknown) => (typeof value === 'number' ? value : undefined);
  for (const key of upperBounds) {
    const was = numeric(before[key]);
    const now = numeric(after[key]);
    if (was === now) continue;
    if (now !== undefined && (was === undefined || now < was)) narrowed.push(`${key} ${was ?? 'none'} → ${now}`);
    else relaxed.push(`${key} ${was} → ${now ?? 'none'}`);
  }
  for (const key of lowerBounds) {
    const was = numeric(before[key]);
    const now = numeric(after[key]);
    if (was === now) continue;
    if (now !== undefined && (was === undefined || now > was)) narrowed.push(`${key} ${was ?? 'none'} → ${now}`);
    else relaxed.push(`${key} ${was} → ${now ?? 'none'}`);
  }
  for (const key of ['pattern', 'format'] as const) {
    if (before[key] === after[key]) continue;
    if (after[key] !== undefined) narrowed.push(`${key} ${JSON.stringify(before[key] ?? null)} → ${JSON.stringify(after[key])}`);
    else relaxed.push(`${key} ${JSON.stringify(before[key])} removed`);
  }
  const tighter = direction === 'request' ? narrowed : relaxed;
  const looser = direction === 'request' ? relaxed : narrowed;
  if (tighter.length > 0) log.add('breaking', 'constraint-narrowed', operation, location, `${direction} accepts fewer values: ${tighter.join('; ')}`);
  if (looser.length > 0) log.add('non-breaking', 'constraint-relaxed', operation, location, `${direction} constraints changed: ${looser.join('; ')}`);
}

function visibleProperties(schema: Record<string, unknown>, direction: Direction, refs: RefResolver): Map<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const hidden = direction === 'request' ? 'readOnly' : 'writeOnly';
  return new Map(Object.entries(properties).filter(([, property]) => refs.schema(property)[hidden] !== true));
}

function compareProperties(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  location: string,
  context: SchemaDiffContext,
  seen: Map<object, Set<object>>,
  depth: number,
) {
  const { log, operation, direction } = context;
  const oldProperties = visibleProperties(before, direction, context.oldRefs);
  const newProperties = visibleProperties(after, direction, context.newRefs);
  if (oldProperties.size === 0 && newProperties.size === 0) return;
  const oldRequired = new Set(Array.isArray(before.required) ? before.required.map(String) : []);
  const newRequired = new Set(Array.isArray(after.required) ? after.required.map(String) : []);
  const at = (name: string) => (location ? `${location}.${name}` : name);
  for (const [name, schema] of newProperties) {
    if (!oldProperties.has(name)) {
      if (direction === 'request' && newRequired.has(name)) log.add('breaking', 'property-added-required', operation, at(name), `new required request field \`${name}\``);
      else log.add('non-breaking', 'property-added', operation, at(name), `new ${direction} field \`${name}\``);
      continue;
    }
    if (direction === 'request' && newRequired.has(name) && !oldRequired.has(name)) {
      log.add('breaking', 'property-became-required', operation, at(name), `request field \`${name}\` is now required`);
    } else if (direction === 'response' && oldRequired.has(name) && !newRequired.has(name)) {
      log.add('breaking', 'property-became-optional', operation, at(name), `response field \`${name}\` is no longer always present`);
    } else if (oldRequired.has(name) !== newRequired.has(name)) {
      const code = newRequired.has(name) ? 'property-became-required' : 'property-became-optional';
      log.add('non-breaking', code, operation, at(name), `${direction} field \`${name}\` is now ${newRequired.has(name) ? 'required' : 'optional'}`);
    }
    walk(oldProperties.get(name), schema, at(name), context, seen, depth + 1);
  }
  for (const name of oldProperties.keys()) {
    if (newProperties.has(name)) continue;
    if (direction === 'response') log.add('breaking', 'property-removed', operation, at(name), `response field \`${name}\` removed`);
    else log.add('non-breaking', 'property-removed', operation, at(name), `request field \`${name}\` removed (it is now ignored or refused)`);
  }
}

function compareVariants(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  location: string,
  context: SchemaDiffContext,
  seen: Map<object, Set<object>>,
  depth: number,
) {
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const oldVariants = Array.isArray(before[keyword]) ? (before[keyword] as unknown[]) : [];
    const newVariants = Array.isArray(after[keyword]) ? (after[keyword] as unknown[]) : [];
    if (oldVariants.length === 0 && newVariants.length === 0) continue;
    const { log, operation, direction } = context;
    if (newVariants.length < oldVariants.length) {
      log.add(direction === 'request' ? 'breaking' : 'non-breaking', 'variant-removed', operation, location, `${direction} ${keyword} lost ${oldVariants.length - newVariants.length} variant(s)`);
    } else if (newVariants.length > oldVariants.length) {
      log.add(direction === 'response' ? 'breaking' : 'non-breaking', 'variant-added', operation, location, `${direction} ${keyword} gained ${newVariants.length - oldVariants.length} variant(s)`);
    }
    const shared = Math.min(oldVariants.length, newVariants.length);
    for (let index = 0; index < shared; index++) walk(oldVariants[index], newVariants[index], `${location}<${keyword}#${index}>`, context, seen, depth + 1);
  }
}
