// decodeBase64Strict against its definition (SPEC A.1: the standard alphabet, padding optional but whole):
// the regular expression it used to run, over a seeded corpus of near-base64 strings.
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from './encoding.js';

const DEFINITION = /^[A-Za-z0-9+/]*={0,2}$/;

function byDefinition(value: string): Buffer | null {
  if (value.length === 0 || !DEFINITION.test(value)) return null;
  const padded = value.endsWith('=');
  if (padded ? value.length % 4 !== 0 : value.length % 4 === 1) return null;
  return Buffer.from(value, 'base64');
}

/** xorshift32: the same corpus on every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const OUTSIDE = ['=', '-', '_', ' ', '\n', '\t', '!', '.', '~', 'é', '\u0000', '%', '😀'];

describe('decodeBase64Strict', () => {
  it('decodes what the definition accepts, to the same bytes, and refuses the rest', () => {
    const next = random(0x5eed);
    let accepted = 0;
    for (let i = 0; i < 50_000; i++) {
      const length = Math.floor(next() * 20);
      let value = '';
      for (let j = 0; j < length; j++) {
        value +=
          next() < 0.1
            ? OUTSIDE[Math.floor(next() * OUTSIDE.length)]!
            : ALPHABET[Math.floor(next() * ALPHABET.length)]!;
      }
      const expected = byDefinition(value);
      if (expected !== null) accepted++;
      expect(decodeBase64Strict(value), JSON.stringify(value)).toEqual(expected);
    }
    // The corpus exercises both sides.
    expect(accepted).toBeGreaterThan(5_000);
    expect(accepted).toBeLessThan(45_000);
  });

  it.each([
    ['an inner padding character', 'QQ==QUFB'],
    ['three padding characters', 'QQ==='],
    ['padding only', '===='],
    ['the URL-safe alphabet', 'ab-_'],
    ['a leading space', ' QUFB'],
    ['a character beyond ASCII', 'QUFé'],
    // Node's decoder reads the low byte of a UTF-16 unit: U+0141 would be 'A', U+012B '+'.
    ['a character whose low byte is in the alphabet', 'ŁAAA'],
    ['another one inside', 'AīAA'],
    ['a length of 4n+1', 'QUFBQ'],
    ['nothing', ''],
  ])('refuses %s', (_what, value) => {
    expect(decodeBase64Strict(value)).toBeNull();
  });

  it('takes padded, unpadded and long input', () => {
    expect(decodeBase64Strict('QQ==')).toEqual(Buffer.from('A'));
    expect(decodeBase64Strict('QQ')).toEqual(Buffer.from('A'));
    expect(decodeBase64Strict('QUE=')).toEqual(Buffer.from('AA'));
    const long = Buffer.from(Array.from({ length: 3_000 }, (_, i) => i % 256));
    expect(decodeBase64Strict(long.toString('base64'))).toEqual(long);
  });
});
