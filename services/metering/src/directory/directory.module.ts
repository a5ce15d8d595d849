import { Module } from '@nestjs/common';
import { DirectoryConsumer } from './directory.consumer';
import { DirectoryRepository } from './directory.repository';

@Module({
  providers: [DirectoryRepository, DirectoryConsumer],
  exports: [DirectoryRepository, DirectoryConsumer],
})
export class DirectoryModule {}
