// Redaction: tokens, phone numbers, media ids and URLs are censored whether they are logged at the top
// level, one object down or as a child logger's bindings.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('log redaction', () => {
  const secrets = { token: 'ft_SECRET', waId: '15551234567', mediaId: '3631120727156756', url: 'https://cdn/x' };

  it('censors secret keys at the top level and one object down', () => {
    const { lines, logger } = capture();
    logger.info({ ...secrets, flow: 'booking' }, 'top');
    logger.info({ ctx: secrets }, 'nested');
    expect(lines[0]).toMatchObject({
      token: '[redacted]',
      waId: '[redacted]',
      mediaId: '[redacted]',
      url: '[redacted]',
      flow: 'booking',
    });
    expect(lines[1]).toMatchObject({ ctx: { token: '[redacted]', waId: '[redacted]', url: '[redacted]' } });
    expect(JSON.stringify(lines)).not.toMatch(/ft_SECRET|15551234567|3631120727156756|cdn\/x/);
  });

  it("censors a child logger's bindings", () => {
    const { lines, logger } = capture();
    logger.child({ waId: secrets.waId, flow: 'kyc' }).info('child');
    expect(lines[0]).toMatchObject({ waId: '[redacted]', flow: 'kyc' });
    expect(JSON.stringify(lines)).not.toContain(secrets.waId);
  });
});
