// The one error the expression helpers throw: a value SPEC E.7 gives no way to write.

/**
 * An `expr` helper was given something it cannot render as Meta documents it: a string literal
 * with a quote, backtick, backslash or `${` (SPEC E.7 documents no escaping), a number such as
 * NaN or 1e21, or a string in a number or boolean position that is neither a reference nor an
 * expression.
 */
export class FlowExpressionError extends Error {
  override readonly name = 'FlowExpressionError';
  readonly code = 'flowgate.flow.expression_invalid';
}
