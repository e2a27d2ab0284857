// Cases for the small normalizers: E.164, Meta timestamps, canonical JSON and SHA-256.

import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, sha256Hex, toE164, toUnixSeconds } from './normalize.js';

describe('toE164', () => {
  it.each([
    ['16505551234', '+16505551234'],
    ['+16505551234', '+16505551234'],
    [' 972987654321 ', '+972987654321'],
    ['+1 555-555-5555', '+15555555555'],
    ['(650) 555-1234', '+6505551234'],
    [16505551234, '+16505551234'],
    ['123456789012345', '+123456789012345'],
  ])('%j → %j', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    '+',
    '++16505551234',
    'abc',
    '<PHONE_NUMBER>',
    'PHONE_NUMBER',
    'sender_wa_id',
    // A business-scoped user id must not become "+1349…" by dropping its letters.
    'US.13491208655302741918',
    '1234567890123456',
    '1650555123x',
    0,
    -5,
    1.5,
    null,
    undefined,
    {},
    [],
    true,
  ])('%j → null', (input) => {
    expect(toE164(input)).toBeNull();
  });
});

describe('toUnixSeconds', () => {
  it.each([
    ['1749416383', 1749416383],
    [1749416383, 1749416383],
    ['0', 0],
    [' 1749416383 ', 1749416383],
    ['1749416383.9', 1749416383],
    [1749416383.9, 1749416383],
  ])('%j → %j', (input, expected) => {
    const seconds = toUnixSeconds(input);
    expect(seconds).toBe(expected);
    expect(Number.isInteger(seconds)).toBe(true);
  });

  it.each([
    '<TIMESTAMP>',
    'TIMESTAMP',
    'message_timestamp',
    '',
    '-1',
    -1,
    '1e9',
    '0x10',
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 60,
    null,
    undefined,
    true,
    {},
    [],
  ])('%j → null', (input) => {
    expect(toUnixSeconds(input)).toBeNull();
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    const a = canonicalJson({ b: 1, a: { d: [3, 2, { z: 1, y: 2 }], c: 'x' } });
    expect(a).toBe('{"a":{"c":"x","d":[3,2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [3, 2, { y: 2, z: 1 }] }, b: 1 })).toBe(a);
  });

  it('matches JSON.stringify for already-sorted data, including escapes', () => {
    const value = { a: 'äöå "q" \\ \n', b: [true, false, null, -0, 1.5e-7], c: {} };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it('writes odd values leniently instead of throwing', () => {
    expect(canonicalJson({ a: undefined, b: Number.NaN })).toBe('{"b":null}');
    expect(canonicalJson([undefined, () => 1, 10n, Symbol('s')])).toBe('[null,null,null,null]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('handles nesting far deeper than the call stack allows', () => {
    const depth = 200_000;
    const deep: unknown = JSON.parse('['.repeat(depth) + ']'.repeat(depth));
    expect(canonicalJson(deep)).toHaveLength(depth * 2);
  });

  it('contentHash ignores key order', () => {
    expect(contentHash({ x: 1, y: [1, 2] })).toBe(contentHash({ y: [1, 2], x: 1 }));
    expect(contentHash({ x: 1, y: [1, 2] })).not.toBe(contentHash({ x: 1, y: [2, 1] }));
  });
});

describe('sha256Hex', () => {
  it('hashes the FIPS 180-2 "abc" vector and treats strings as UTF-8', () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(sha256Hex('abc')).toBe(abc);
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(abc);
    expect(sha256Hex('ä')).toBe(sha256Hex(Uint8Array.from([0xc3, 0xa4])));
  });
});
