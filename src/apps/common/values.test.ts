// amountMinor: a typed amount in integer minor units of its currency, exact for every currency (no floating
// point, never past 2^53).
import { describe, expect, it } from 'vitest';
import { amountMinor } from './values.js';

const minor = (amount: string, currency: string) => amountMinor({ amount }, 'amount', currency);

describe('amountMinor', () => {
  it('reads the currency’s own decimals, with a comma or a point', () => {
    expect(minor('12.5', 'EUR')).toBe(1250);
    expect(minor('12,50', 'EUR')).toBe(1250);
    expect(minor('1250', 'JPY')).toBe(1250);
    expect(minor('12.5', 'JPY')).toBeNull();
    expect(minor('1.234', 'KWD')).toBe(1234);
    expect(minor('1.2345', 'CLF')).toBe(12345);
  });

  it('stays an exact integer: at most 15 digits in all, whatever the currency', () => {
    expect(minor('9999999999999.99', 'EUR')).toBe(999_999_999_999_999);
    expect(minor('99999999999999', 'EUR')).toBeNull();
    expect(minor('99999999999.9999', 'CLF')).toBe(999_999_999_999_999);
    expect(minor('999999999999.9999', 'CLF')).toBeNull();
    for (const amount of ['9999999999999.99', '99999999999.9999'])
      expect(Number.isSafeInteger(minor(amount, amount.endsWith('9999') ? 'CLF' : 'EUR'))).toBe(true);
  });
});
