import { Module } from '@nestjs/common';
import { KeySetsModule } from '../key-sets/key-sets.module';
import { AuditController } from './audit.controller';

@Module({ imports: [KeySetsModule], controllers: [AuditController] })
export class AuditModule {}
