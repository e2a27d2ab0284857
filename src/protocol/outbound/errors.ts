// The one error the outbound builders throw: a message Meta would reject, caught before any request.

/**
 * An outbound message breaks one of Meta's documented rules (a length, a count, a required or
 * exclusive field, a format). `path` names the offending field in the wire body, in the form of
 * Meta's own error messages (`interactive.action.buttons[3]`, `template.components[0].parameters[1]`),
 * so a caller can point at the field without parsing the message.
 */
export class MessageValidationError extends Error {
  override readonly name = 'MessageValidationError';
  readonly code = 'flowgate.message.invalid';
  readonly status = 400;

  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
