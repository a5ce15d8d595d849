/** One entry of `GET /v1/models`. */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** `GET /v1/models`. */
export interface ModelList {
  object: 'list';
  data: ModelObject[];
}
