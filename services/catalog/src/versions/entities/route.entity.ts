import type { HttpMethod } from '@gatehouse/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ApiKind } from '../../apis/entities/api.entity';

/** One path template of a version with the methods it serves; what RouteStateV1 publishes. */
@Entity({ name: 'routes' })
export class RouteEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'api_version_id', type: 'uuid' })
  apiVersionId!: string;

  @Column({ name: 'api_id', type: 'uuid' })
  apiId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  /** The template as written in the document (without the base path). */
  @Column({ type: 'text' })
  template!: string;

  /** Base path + template. */
  @Column({ type: 'text' })
  path!: string;

  /** `path` with parameter names erased; what collisions compare. */
  @Column({ name: 'normalized_path', type: 'text' })
  normalizedPath!: string;

  @Column({ type: 'text', array: true })
  methods!: HttpMethod[];

  /** The kind of its version: what the gateway does with a matched request. */
  @Column({ type: 'text', default: 'http' })
  kind!: ApiKind;
}
