import { createParamDecorator, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { AdminPrincipal } from './admin-principal';
import { PRINCIPAL_REQUEST_KEY } from './admin-auth.guard';

/** The AdminPrincipal the AdminAuthGuard attached to the request. */
export function principalOf(request: { [PRINCIPAL_REQUEST_KEY]?: AdminPrincipal }): AdminPrincipal {
  const principal = request[PRINCIPAL_REQUEST_KEY];
  if (!principal) throw new UnauthorizedException('this route is not behind AdminAuthGuard');
  return principal;
}

/** Parameter decorator injecting the caller's AdminPrincipal (requires AdminAuthGuard). */
export const Principal = createParamDecorator((_data: unknown, context: ExecutionContext): AdminPrincipal => principalOf(context.switchToHttp().getRequest()));
