import { Global, Module } from '@nestjs/common';
import { TeamsController } from './teams.controller';
import { TeamsRepository } from './teams.repository';
import { TeamsService } from './teams.service';

@Global()
@Module({ controllers: [TeamsController], providers: [TeamsRepository, TeamsService], exports: [TeamsRepository, TeamsService] })
export class TeamsModule {}
