// Meta's customer-service window: free-form messages may only be sent within 24 hours of the customer's
// last inbound message (Cloud API error 131047 otherwise); templates are always allowed.

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1_000;

export class OutsideWindowError extends Error {
  override readonly name = 'OutsideWindowError';
  readonly code = 'flowgate.outbound.outside_window';
  readonly status = 422;
  readonly rule = '24-hour customer service window (Cloud API error 131047)';

  constructor(readonly lastInboundAt: number | null) {
    super(
      `${lastInboundAt === null ? 'this customer has never messaged the business' : "more than 24 hours have passed since this customer's last message"}: ` +
        'free-form messages are only allowed within 24 hours of it (Meta error 131047). Send an approved template message instead (type "template").',
    );
  }
}

/**
 * Throws unless a free-form message may be sent now. `lastInboundAt` is the customer's last message time
 * in Unix seconds (as Meta reports it), `now` in milliseconds.
 */
export function assertWithinWindow(lastInboundAt: number | null, now: number): void {
  if (lastInboundAt === null || now - lastInboundAt * 1_000 >= CUSTOMER_SERVICE_WINDOW_MS) {
    throw new OutsideWindowError(lastInboundAt);
  }
}
