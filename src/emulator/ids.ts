// Realistic ids: wamids laid out like Meta's (base64 of a small binary record holding the wa_id and
// a 20-hex message key), numeric media and flow ids, base64url fbtrace ids. A counter passed
// through a bijection is mixed into every id, so ids stay unique even with a constant `random`.

const HEX = '0123456789ABCDEF';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class Ids {
  #counter = 0;
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  #pick(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet.charAt(Math.floor(this.#random() * alphabet.length));
    return out;
  }

  /** A fresh counter value spread over [0, 2^32): n·2654435761 mod 2^32 is a bijection. */
  #spread(): number {
    this.#counter += 1;
    return Number((BigInt(this.#counter) * 2654435761n) % 4294967296n);
  }

  /**
   * `wamid.` + base64 of 0x1c 0x18 <len> <wa_id> 0x15 0x02 0x00 0x12 0x18 0x14 <20 hex> 0x00, the
   * layout of the wamids in Meta's samples ("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0…").
   */
  wamid(waId: string): string {
    const key = `3A${this.#pick(HEX, 10)}${this.#spread().toString(16).toUpperCase().padStart(8, '0')}`;
    const phone = Buffer.from(waId.slice(0, 255), 'latin1');
    const bytes = Buffer.concat([
      Buffer.from([0x1c, 0x18, phone.length]),
      phone,
      Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, key.length]),
      Buffer.from(key, 'latin1'),
      Buffer.from([0x00]),
    ]);
    return `wamid.${bytes.toString('base64')}`;
  }

  /** 16 digits, e.g. "1003383421387256"; the last 10 come from the counter bijection (unique). */
  numeric(): string {
    const head = String(1 + Math.floor(this.#random() * 9));
    return `${head}${this.#pick('0123456789', 5)}${String(this.#spread()).padStart(10, '0')}`;
  }

  /** 32 lower-case hex chars (conversation ids). */
  hex32(): string {
    return `${this.#pick(HEX, 24)}${this.#spread().toString(16).toUpperCase().padStart(8, '0')}`.toLowerCase();
  }

  /** 23 base64url chars, like "Az8or2yhqkZfEZ-_4Qn_Bam". */
  fbtrace(): string {
    return this.#pick(B64URL, 23);
  }

  /** An opaque URL-safe token (media URL hashes, preview tokens). */
  token(length = 32): string {
    return `${this.#pick(B64URL, Math.max(0, length - 7))}${this.#spread().toString(36).padStart(7, '0')}`;
  }
}
