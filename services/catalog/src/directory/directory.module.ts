import { type DynamicModule, Module } from '@nestjs/common';
import { CancelApplicationSubscriptions } from './cancel-application-subscriptions';
import { DIRECTORY_CONSUMER_OPTIONS, DirectoryConsumer, type DirectoryConsumerOptions } from './directory.consumer';

/** Teams and applications mirrored from identity's events. */
@Module({})
export class DirectoryModule {
  static forRoot(options: DirectoryConsumerOptions): DynamicModule {
    return {
      module: DirectoryModule,
      providers: [{ provide: DIRECTORY_CONSUMER_OPTIONS, useValue: options }, CancelApplicationSubscriptions, DirectoryConsumer],
      exports: [DirectoryConsumer],
    };
  }
}
