// The forwarder: POSTs each event as normalized JSON to the configured URLs, signed so the receiver can
// verify it came from Flowgate: X-Flowgate-Signature: sha256=<hex HMAC-SHA256 of the body>.
import { createHmac } from 'node:crypto';
import type { Job } from '../queue/index.js';
import type { Store, StoredEvent } from '../store/index.js';
import type { ForwardJob } from './dispatcher.js';

export class ForwardError extends Error {
  override readonly name = 'ForwardError';
  readonly code = 'flowgate.forward.failed';
  constructor(
    message: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const FORWARD_SIGNATURE_HEADER = 'x-flowgate-signature';

/** The JSON body a forward receiver gets. */
export function forwardBody(stored: StoredEvent): string {
  return JSON.stringify({
    id: stored.id,
    dedupKey: stored.dedupKey,
    kind: stored.kind,
    receivedAt: stored.createdAt,
    event: stored.event,
  });
}

export function signForward(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function createForwardProcessor(deps: {
  store: Store;
  secret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}) {
  const doFetch = deps.fetch ?? fetch;
  return async (job: Job): Promise<void> => {
    const { eventId, url } = job.payload as ForwardJob;
    const stored = await deps.store.events.get(eventId);
    if (stored === null) throw new ForwardError(`event ${eventId} no longer exists`, null);
    const body = forwardBody(stored);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Flowgate-Forwarder/1',
          [FORWARD_SIGNATURE_HEADER]: signForward(body, deps.secret),
          'x-flowgate-event-id': String(stored.id),
          'x-flowgate-delivery-attempt': String(job.attempts),
        },
        body,
        signal: AbortSignal.timeout(deps.timeoutMs),
        redirect: 'error',
      });
    } catch (cause) {
      const reason =
        cause instanceof Error && cause.name === 'TimeoutError'
          ? `timed out after ${deps.timeoutMs} ms`
          : 'network error';
      throw new ForwardError(`forward to receiver ${hostOf(url)} failed: ${reason}`, null, { cause });
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new ForwardError(`forward to receiver ${hostOf(url)} answered HTTP ${response.status}`, response.status);
    }
  };
}

/** Only the host goes into errors and logs: forward URLs may carry tokens in their path or query. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
