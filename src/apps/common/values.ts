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

/** A decimal amount from a number TextInput ("12.5", "12,50"); null when it is not one. */
export function amount(data: Record<string, unknown>, key: string): number | null {
  const raw = text(data, key).replace(',', '.');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(raw)) return null;
  return Number(raw);
}

/** Integer minor units (cents) of a decimal amount, without floating-point drift. */
export function toMinor(value: number): number {
  return Math.round(value * 100);
}

export function formatMoney(minor: number, currency: string, locale = 'en-GB'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100);
}
