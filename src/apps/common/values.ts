// Reading submitted flow values: WhatsApp sends strings, string arrays, booleans or numbers depending
// on the component, so each reader accepts the shapes the client really sends and nothing else.

export function text(data: Record<string, unknown>, key: string): string {
  const value = data[key];
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

export function optionalText(data: Record<string, unknown>, key: string): string | null {
  const value = text(data, key);
  return value === '' ? null : value;
}

export function list(data: Record<string, unknown>, key: string): string[] {
  const value = data[key];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string' && value !== '') return [value];
  return [];
}

/** OptIn values arrive as booleans (or "true"/"false" from older clients). */
export function flag(data: Record<string, unknown>, key: string): boolean {
  const value = data[key];
  return value === true || value === 'true';
}

const MINOR_DIGITS = new Map<string, number>();

/** Whether `currency` is an ISO 4217 code this runtime knows (Intl formats any three letters otherwise). */
export function isCurrency(currency: string): boolean {
  return /^[A-Z]{3}$/.test(currency) && Intl.supportedValuesOf('currency').includes(currency);
}

/** Decimal places of the currency's minor unit (ISO 4217, as Intl has them: JPY 0, EUR 2, KWD 3). */
export function minorDigits(currency: string): number {
  let digits = MINOR_DIGITS.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    MINOR_DIGITS.set(currency, digits);
  }
  return digits;
}

/**
 * A decimal amount from a number TextInput ("12.5", "12,50", "1500") in integer minor units of `currency`,
 * read from the digits (no floating point); null when it is not one, or has more decimals than the
 * currency (¥ has none, KWD three).
 */
export function amountMinor(data: Record<string, unknown>, key: string, currency: string): number | null {
  const digits = minorDigits(currency);
  // At most 15 digits in all (whole and decimal): still an exact integer of minor units (below 2^53), for
  // every currency (CLF has four decimals).
  const match = new RegExp(`^(\\d{1,${15 - digits}})(?:\\.(\\d+))?$`).exec(text(data, key).replace(',', '.'));
  if (match === null) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + (digits === 0 ? 0 : Number(fraction.padEnd(digits, '0')));
}

/** How an amount of `currency` is typed, for error messages: "12.50", "1250" (JPY), "12.500" (KWD). */
export function amountExample(currency: string): string {
  const digits = minorDigits(currency);
  return digits === 0 ? '1250' : `12.${'5'.padEnd(digits, '0')}`;
}

/** Major units (as configured, e.g. 10 000) in minor units of `currency`. */
export function majorToMinor(major: number, currency: string): number {
  return Math.round(major * 10 ** minorDigits(currency));
}

export function formatMoney(minor: number, currency: string, locale = 'en-GB'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** minorDigits(currency));
}
