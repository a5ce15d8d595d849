import fc from 'fast-check';

/**
 * Arbitraries of hostile request bodies, as raw text so they can hold what JSON.stringify never
 * writes: own `__proto__` members, numbers beyond double range, lone surrogates, thousands of
 * nesting levels.
 */

/** A body and the content type it is sent with. `garbage` bodies can never be valid input. */
export interface HostileBody {
  readonly text: string;
  readonly contentType: string | null;
  readonly garbage: boolean;
}

export const pollutionKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isAdmin', 'platformAdmin'];

const hugeNumber = fc.constantFrom('1e999', '-1e999', '1e308', '-1.7976931348623157e308', '123456789012345678901234567890123', '9007199254740993', '-0', '5e-324', '0.000000000000000000000000001', '1E400', '-9223372036854775809');

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff\ud800',
    '\u202e\u2066',
    '__proto__',
    'constructor',
    '../../../../etc/passwd',
    "' OR 1=1 --",
    '"; DROP TABLE tenants; --',
    '${jndi:ldap://127.0.0.1:1/x}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    '%00%0d%0a',
    'NaN',
    'Infinity',
    '-1',
    '1e999',
    'true',
    'null',
    '2024-13-45T25:61:61Z',
    'http://169.254.169.254/latest/meta-data/',
    'file:///etc/passwd',
  ),
  fc.integer({ min: 1_000, max: 300_000 }).map((length) => 'x'.repeat(length)),
);

const stringToken = hostileString.map((value) => JSON.stringify(value));

/** JSON text of scalars, arrays and objects whose keys include prototype-pollution names. */
export const hostileJson: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hugeNumber,
    stringToken,
    fc.constantFrom('true', 'false', 'null', '0', '-1', '1.5', '[]', '{}'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...pollutionKeys), fc.string({ maxLength: 12 })), tie('value')), { maxLength: 4 })
      .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
  ),
})).value;

/** Prototype-pollution payloads as whole bodies. */
const pollution = fc.constantFrom(
  '{"__proto__":{"polluted":"yes","platformAdmin":true,"role":"owner","status":"active"}}',
  '{"constructor":{"prototype":{"polluted":"yes","platformAdmin":true}}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
  '[{"__proto__":{"polluted":"yes"}}]',
  '{"a":1,"__proto__":null}',
);

/** Thousands of nesting levels, arrays or objects, within the 1 MB body limit. */
const nested = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.boolean()).map(([depth, objects]) => (objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`));
const deepNesting = nested(1_000, 150_000);

/**
 * Text that is not JSON at all (or JSON cut short). An empty body is no body and a leading BOM
 * is ignored (RFC 8259), so neither `""` nor `"\ufeff{}"` is garbage: both read as `{}`.
 */
const isJsonObject = (text: string) => {
  try {
    const value: unknown = JSON.parse(text.replace(/^\ufeff/, ''));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};
const notJson = fc.oneof(fc.string({ minLength: 1, maxLength: 60 }).filter((text) => text.trim().length > 0 && !isJsonObject(text)), fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', "{'a':1}", '{"a":NaN}', '{"a":undefined}', '\ufeff{', 'null', '"string"', '42', 'true'));

const jsonType = fc.constantFrom<string | null>('application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/merge-patch+json');
const otherType = fc.constantFrom<string | null>(null, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/xml');

/** Whole-body garbage: never a valid request body for any admin endpoint. */
export const garbageBody: fc.Arbitrary<HostileBody> = fc.oneof(
  fc.tuple(fc.oneof(hugeNumber, stringToken, fc.constantFrom('true', 'false', 'null', '[]', '0')), jsonType).map(([text, contentType]) => ({ text, contentType, garbage: true })),
  fc.tuple(pollution, jsonType).map(([text, contentType]) => ({ text, contentType, garbage: true })),
  fc.tuple(deepNesting, jsonType).map(([text, contentType]) => ({ text, contentType, garbage: true })),
  fc.tuple(notJson, fc.oneof(jsonType, otherType)).map(([text, contentType]) => ({ text, contentType, garbage: true })),
  fc.tuple(hostileJson.filter((text) => text.startsWith('[')), jsonType).map(([text, contentType]) => ({ text, contentType, garbage: true })),
);

/**
 * A valid body of the endpoint with one member replaced by a hostile value, or with a
 * hostile member added. May happen to be valid; must never break the service.
 */
export function mutatedBody(valid: Record<string, unknown>): fc.Arbitrary<HostileBody> {
  const keys = Object.keys(valid);
  const replace = fc.tuple(fc.constantFrom(...(keys.length > 0 ? keys : ['name'])), fc.oneof(hostileJson, nested(500, 20_000))).map(([key, value]) => {
    const entries = Object.entries(valid).map(([name, current]) => `${JSON.stringify(name)}:${name === key ? value : JSON.stringify(current)}`);
    if (!keys.includes(key)) entries.push(`${JSON.stringify(key)}:${value}`);
    return `{${entries.join(',')}}`;
  });
  const inject = fc.tuple(fc.constantFrom(...pollutionKeys), hostileJson).map(([key, value]) => `{${[...Object.entries(valid).map(([name, current]) => `${JSON.stringify(name)}:${JSON.stringify(current)}`), `${JSON.stringify(key)}:${value}`].join(',')}}`);
  return fc.tuple(fc.oneof(replace, inject), jsonType).map(([text, contentType]) => ({ text, contentType, garbage: false }));
}

/** Garbage most of the time, mutated valid bodies otherwise. */
export function hostileBody(valid: Record<string, unknown>): fc.Arbitrary<HostileBody> {
  return fc.oneof({ weight: 3, arbitrary: garbageBody }, { weight: 2, arbitrary: mutatedBody(valid) });
}

/** Query strings of known and hostile parameter names with hostile values. */
export function hostileQuery(names: readonly string[]): fc.Arbitrary<string> {
  const name = fc.oneof(fc.constantFrom(...names), fc.constantFrom(...pollutionKeys, 'a[__proto__][polluted]', 'groupBy[]', 'from[$gt]'), fc.string({ maxLength: 10 }));
  const value = fc.oneof(hostileString.filter((text) => text.length < 5_000), hugeNumber, fc.constantFrom('2020-01-01', '2020-01-01T00:00:00Z', 'minute', 'hour', 'day', 'csv', 'json', 'tenant,application', '1000000'));
  return fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 6 }).map((pairs) => pairs.map(([key, val]) => `${encodeQuery(key)}=${encodeQuery(val)}`).join('&'));
}

/** Percent-encodes UTF-8, lone surrogates included (as U+FFFD, which is what reaches the wire). */
function encodeQuery(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((byte) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`)).join('');
}

const info = '{"title":"x","version":"1"}';
const schemaNesting = (depth: number) => `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${'}}'.repeat(depth)}`;
const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`)].join('\n');

/** OpenAPI documents (or what claims to be one) built to exhaust, confuse or reach out from the importer. */
export const hostileDocument: fc.Arbitrary<HostileBody> = fc.oneof(
  fc.constantFrom(
    { text: laughs, contentType: 'application/yaml' },
    { text: `openapi: 3.0.3\ninfo: {title: x, version: "1"}\npaths: {}\nx: !!js/function "function(){return process.exit(1)}"`, contentType: 'application/yaml' },
    { text: `openapi: 3.0.3\ninfo: {title: x, version: "1"}\ninfo: {title: y, version: "2"}\npaths: {}`, contentType: 'application/yaml' },
    { text: `openapi: 3.0.3\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      responses:\n        "200": {$ref: "http://169.254.169.254/latest/meta-data/"}`, contentType: 'application/yaml' },
    { text: `openapi: 3.0.3\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      responses:\n        "200": {$ref: "file:///etc/passwd"}`, contentType: 'application/yaml' },
    { text: `{"openapi":"3.0.3","info":${info},"paths":{"/a":{"get":{"responses":{"200":{"description":"x","content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}}}},"components":{"schemas":{"A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}}}}`, contentType: 'application/json' },
    { text: `{"openapi":"3.0.3","info":${info},"paths":{"/a":{"get":{"responses":{"200":{"$ref":"#/components/responses/R"}}}}},"components":{"responses":{"R":{"$ref":"#/components/responses/R"}}}}`, contentType: 'application/json' },
    { text: `{"openapi":"3.0.3","info":${info},"paths":{"/{a}{b}":{"get":{"responses":{"200":{"description":"x"}}}},"/../x":{"get":{"responses":{"200":{"description":"x"}}}}}}`, contentType: 'application/json' },
    { text: `{"openapi":"3.0.3","info":${info},"paths":{"__proto__":{"get":{"responses":{"200":{"description":"x"}}}},"/constructor":{"__proto__":{"polluted":"yes"}}}}`, contentType: 'application/json' },
    { text: `{"openapi":"3.2.0","info":${info},"paths":{}}`, contentType: 'application/json' },
    { text: `{"swagger":"2.0","info":${info},"paths":{}}`, contentType: 'application/json' },
    { text: '', contentType: 'application/yaml' },
    { text: '\u0000\u0001\u0002', contentType: 'text/plain' },
  ),
  fc.integer({ min: 200, max: 3_000 }).map((depth) => ({ text: `{"openapi":"3.0.3","info":${info},"paths":{"/a":{"get":{"responses":{"200":{"description":"x","content":{"application/json":{"schema":${schemaNesting(depth)}}}}}}}}}`, contentType: 'application/json' })),
  fc.integer({ min: 1_000, max: 50_000 }).map((depth) => ({ text: `${'- '.repeat(depth)}x`, contentType: 'application/yaml' })),
  fc.integer({ min: 1_000, max: 50_000 }).map((depth) => ({ text: `${'['.repeat(depth)}${']'.repeat(depth)}`, contentType: 'application/yaml' })),
  fc.tuple(hostileJson, fc.constantFrom('application/json', 'application/yaml', 'text/plain')).map(([text, contentType]) => ({ text, contentType })),
  fc.tuple(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('application/yaml', 'text/plain')).map(([text, contentType]) => ({ text, contentType })),
).map((body) => ({ ...body, garbage: false }));

/** Hand-picked values every member of a valid body is tried with, before the random runs; then the hand-picked bodies. */
const pointedValues = ['"a\\u0000b"', '"\\ud800"', '1e999', '-9223372036854775809', '{"__proto__":{"polluted":"yes"}}', '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]', `"${'x'.repeat(100_000)}"`];

export function pointedExamples(valid: Record<string, unknown>): HostileBody[] {
  const examples: HostileBody[] = [];
  for (const key of Object.keys(valid)) {
    for (const value of pointedValues) {
      const entries = Object.entries(valid).map(([name, current]) => `${JSON.stringify(name)}:${name === key ? value : JSON.stringify(current)}`);
      examples.push({ text: `{${entries.join(',')}}`, contentType: 'application/json', garbage: false });
    }
  }
  // One byte in UTF-16 decodes to nothing: once taken for an empty body (201 where every field is optional).
  examples.push({ text: 'N', contentType: 'application/json; charset=utf-16', garbage: true });
  return examples;
}
