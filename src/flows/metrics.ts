// Prometheus metrics of the flow endpoint, registered on the gateway's registry (so /metrics shows them).
import { Counter, Gauge, type Registry } from 'prom-client';

export type FlowOutcome =
  | 'screen'
  | 'complete'
  | 'ping'
  | 'error_ack'
  | 'input_rejected'
  | 'handler_error'
  | 'invalid_token'
  | 'decrypt_failed'
  | 'invalid_signature'
  | 'unknown_flow'
  | 'too_large'
  | 'bad_request'
  | 'not_configured';

export class FlowMetrics {
  readonly requests: Counter<'flow' | 'status' | 'outcome'>;
  readonly errorNotifications: Counter<'flow' | 'error'>;
  readonly handlerFailures: Counter<'flow' | 'reason'>;
  readonly rsaUnwrapsInFlight: Gauge<'thread'>;

  /** `rsaInFlight`: the RSA pool's unwraps in flight per thread (RsaUnwrapPool.inFlight). */
  constructor(registry: Registry, rsaInFlight: () => readonly number[] = () => []) {
    this.rsaUnwrapsInFlight = new Gauge({
      name: 'flowgate_flow_rsa_unwraps_in_flight',
      help: 'AES key unwraps handed to an RSA thread and not answered yet, by thread',
      labelNames: ['thread'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [thread, n] of rsaInFlight().entries()) this.set({ thread: String(thread) }, n);
      },
    });
    this.requests = new Counter({
      name: 'flowgate_flow_requests_total',
      help: 'Flow endpoint requests by flow, HTTP status and outcome',
      labelNames: ['flow', 'status', 'outcome'] as const,
      registers: [registry],
    });
    this.errorNotifications = new Counter({
      name: 'flowgate_flow_error_notifications_total',
      help: 'Error notifications WhatsApp clients sent about earlier endpoint answers',
      labelNames: ['flow', 'error'] as const,
      registers: [registry],
    });
    this.handlerFailures = new Counter({
      name: 'flowgate_flow_handler_failures_total',
      help: 'Flow requests answered with the safe error instead of their handler’s answer (threw, over_budget, invalid_response, no_handler; turn_wait: the token’s earlier requests ran past this one’s budget)',
      labelNames: ['flow', 'reason'] as const,
      registers: [registry],
    });
  }

  request(flow: string, status: number, outcome: FlowOutcome): void {
    this.requests.inc({ flow, status: String(status), outcome });
  }
}

// Error types WhatsApp documents (SPEC C.6); anything else is counted as "other" to bound label values.
const KNOWN_ERRORS = new Set([
  'timeout_error',
  'missing_capability',
  'cannot_be_served',
  'no_http_response_error',
  'unexpected_http_status_code',
  'public-key-missing',
  'public-key-signiture-verification',
  'response-decryption-error',
  'invalid-screen-transition',
  'payload-schema-error',
  'business-decryption-error',
]);

export function errorLabel(error: string | null): string {
  if (error === null) return 'none';
  const lower = error.toLowerCase().replace(/_/g, '-');
  if (KNOWN_ERRORS.has(error)) return error;
  if (KNOWN_ERRORS.has(lower)) return lower;
  return 'other';
}
