import { type DynamicModule, Module } from '@nestjs/common';
import { Clock } from './clock/clock';
import { IngestMetrics } from './ingest/ingest.metrics';
import { METERING_SETTINGS, type MeteringSettings } from './metering.config';

/** Settings, clock and metrics every metering feature shares. */
@Module({})
export class MeteringCoreModule {
  static forRoot(settings: MeteringSettings, clock: Clock): DynamicModule {
    return {
      module: MeteringCoreModule,
      global: true,
      providers: [{ provide: METERING_SETTINGS, useValue: settings }, { provide: Clock, useValue: clock }, IngestMetrics],
      exports: [METERING_SETTINGS, Clock, IngestMetrics],
    };
  }
}
