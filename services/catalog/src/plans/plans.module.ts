import { Module } from '@nestjs/common';
import { PlanManagementUseCase } from './plan-management.use-case';
import { PlansController } from './plans.controller';

@Module({
  controllers: [PlansController],
  providers: [PlanManagementUseCase],
})
export class PlansModule {}
