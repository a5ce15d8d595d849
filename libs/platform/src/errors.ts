/**
 * An error with a stable code that the exception filter maps to an HTTP answer. Anything
 * that is not an AppError (or a Nest HttpException) becomes a 500 with an error id and no
 * internals in the body.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new AppError(400, 'invalid_request', message, details);
export const notFound = (what: string, id: string) => new AppError(404, 'not_found', `${what} ${id} not found`);
export const conflict = (message: string, details?: Record<string, unknown>) => new AppError(409, 'conflict', message, details);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
