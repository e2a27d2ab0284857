// Prometheus metrics of the gateway, on a registry of its own (so several gateways can live in one process).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngressOutcome } from './ingress.js';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly webhooks = new Counter({
    name: 'flowgate_webhook_requests_total',
    help: 'Webhook POSTs by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: 'flowgate_events_total',
    help: 'Parsed webhook events by result (claimed or duplicate)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'flowgate_jobs_total',
    help: 'Job attempts by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly inboxPending = new Gauge({
    name: 'flowgate_inbox_pending',
    help: 'Stored webhook bodies not yet dispatched',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: 'flowgate_' });
  }

  ingress(outcome: IngressOutcome): void {
    this.webhooks.inc({ outcome });
  }
}
