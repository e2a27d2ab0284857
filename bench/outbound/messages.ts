// Messages for the outbound bench: utility templates (order updates with text, currency and date
// parameters) to distinct customers, the kind of business-initiated message that is sent in bulk at the
// rate limit. Templates are always allowed, so no 24-hour window has to be opened first. The same
// messages, built to wire JSON by Flowgate's own builders, are the baseline's request bodies.
import { buildMessage, type OutboundMessage } from '../../src/protocol/index.js';

export interface BenchMessage {
  to: string;
  message: OutboundMessage;
}

const CITIES = ['Lisboa', 'Berlin', 'São Paulo', 'Mumbai', 'Lagos', 'Paris', 'Kraków', 'Osaka'];

export function benchMessage(n: number): BenchMessage {
  const amount1000 = 9_990 + ((n * 7_919) % 490_000);
  return {
    to: `+1650555${String(n % 10_000).padStart(4, '0')}`,
    message: {
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: `#${String(100_000 + n)}` },
            { type: 'text', text: CITIES[n % CITIES.length] ?? 'Lisboa' },
            {
              type: 'currency',
              fallbackValue: `$${(amount1000 / 1000).toFixed(2)}`,
              code: 'USD',
              amount1000,
            },
            { type: 'date_time', fallbackValue: `December ${String(1 + (n % 28))}, 2026` },
          ],
        },
        { type: 'button', subType: 'quick_reply', index: 0, payload: `track-${String(n)}` },
      ],
    },
  };
}

/** The wire body Flowgate's Graph client sends for message `n` (serialized once, reused). */
export function wireBody(n: number): string {
  const { to, message } = benchMessage(n);
  return JSON.stringify(buildMessage(to, message));
}
