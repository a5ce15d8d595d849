import { Global, Module } from '@nestjs/common';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';

@Global()
@Module({ controllers: [MembersController], providers: [MembersRepository, MembersService], exports: [MembersRepository, MembersService] })
export class MembersModule {}
