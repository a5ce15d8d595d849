import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { evaluateReadiness, type Registry } from '@gatehouse/observability';
import type { Response } from 'express';
import { ReadinessRegistry } from './readiness';
import { METRICS } from './tokens';

/** `/health/live`, `/health/ready` (every readiness check) and `/metrics` on the service's port. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessRegistry,
    @Inject(METRICS) private readonly registry: Registry,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() response: Response) {
    const report = await evaluateReadiness(this.readiness.all());
    response.status(report.status === 'ok' ? 200 : 503).json(report);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() response: Response) {
    response.setHeader('Content-Type', this.registry.contentType);
    response.send(await this.registry.metrics());
  }
}
