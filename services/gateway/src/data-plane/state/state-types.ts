import type { ApiKeyStateV1, ApplicationStateV1, EventData, PlanStateV1, QuotaStateV1, RouteStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';

export type RouteState = EventData<typeof RouteStateV1>;
export type SubscriptionState = EventData<typeof SubscriptionStateV1>;
export type PlanState = EventData<typeof PlanStateV1>;
export type ApplicationState = EventData<typeof ApplicationStateV1>;
export type ApiKeyState = EventData<typeof ApiKeyStateV1>;
export type QuotaState = EventData<typeof QuotaStateV1>;
