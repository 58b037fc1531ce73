/**
 * A failure the API reports to its caller: a stable code, the HTTP status, and the field at fault
 * when there is one. Anything else thrown is a bug and becomes a 500.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'EMAIL_TAKEN'
  | 'INVALID_CREDENTIALS'
  | 'RATE_LIMITED'
  | 'INSUFFICIENT_STOCK'
  | 'CART_EMPTY'
  | 'CART_FULL'
  | 'ORDER_NOT_PAYABLE'
  | 'PAYMENT_IN_PROGRESS'
  | 'IDEMPOTENCY_KEY_REUSED';

const STATUS: Record<DomainErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  INVALID_CREDENTIALS: 401,
  RATE_LIMITED: 429,
  INSUFFICIENT_STOCK: 409,
  CART_EMPTY: 409,
  CART_FULL: 409,
  ORDER_NOT_PAYABLE: 409,
  PAYMENT_IN_PROGRESS: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
};

export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = STATUS[code];
  }

  toBody(): { error: { code: DomainErrorCode; message: string; field?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export const notFound = (what: string, field?: string) => new DomainError('NOT_FOUND', `${what} not found`, field);
