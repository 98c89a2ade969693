/**
 * Typed errors with a stable code. Domain code throws these; one middleware maps them to the
 * status and body of API.md: {"error": {"code", "message", "details"}}.
 */
export interface ErrorDetail {
  path?: string;
  field?: string;
  code?: string;
  message: string;
  [k: string]: unknown;
}

export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: ErrorDetail[] = [],
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class BadRequest extends AppError {
  constructor(code: string, message: string, details: ErrorDetail[] = []) {
    super(400, code, message, details);
  }
}

export class ValidationFailed extends AppError {
  constructor(details: ErrorDetail[], message = 'The request has invalid fields') {
    super(400, 'VALIDATION_FAILED', message, details);
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'Missing or invalid credentials', code = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'Your role may not do this') {
    super(403, 'FORBIDDEN', message);
  }
}

export class NotFound extends AppError {
  constructor(what: string) {
    super(404, 'NOT_FOUND', `${what} not found`);
  }
}

export class Conflict extends AppError {
  constructor(code: string, message: string, details: ErrorDetail[] = []) {
    super(409, code, message, details);
  }
}

export class BusinessRule extends AppError {
  constructor(code: string, message: string, details: ErrorDetail[] = []) {
    super(422, code, message, details);
  }
}

export class RateLimited extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'RATE_LIMITED', message, [], { 'Retry-After': String(retryAfterSeconds) });
  }
}

export class Unavailable extends AppError {
  constructor(code: string, message: string, details: ErrorDetail[] = []) {
    super(503, code, message, details, { 'Retry-After': '5' });
  }
}
