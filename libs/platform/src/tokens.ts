/** Injection tokens of what PlatformModule provides. */
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const KAFKA = Symbol('KAFKA');

