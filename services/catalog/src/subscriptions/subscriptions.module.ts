import { Module } from '@nestjs/common';
import { ChangeSubscriptionUseCase } from './change-subscription.use-case';
import { SubscribeUseCase } from './subscribe.use-case';
import { SubscriptionsController } from './subscriptions.controller';

@Module({
  controllers: [SubscriptionsController],
  providers: [SubscribeUseCase, ChangeSubscriptionUseCase],
})
export class SubscriptionsModule {}
