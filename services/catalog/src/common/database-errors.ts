/** Postgres unique_violation (23505), optionally on one constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string }; code?: string; constraint?: string }) ?? {};
  const code = driverError.driverError?.code ?? driverError.code;
  const name = driverError.driverError?.constraint ?? driverError.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}
