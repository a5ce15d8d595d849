import type { ModelPrices } from '../config/ai-config';
import type { TokenCounts } from '../providers/provider-adapter';

/** Usage and cost of one AI request, as recorded for metering. */
export interface AiUsage {
  /** Provider id (catalog) that answered. */
  provider: string;
  /** Catalog model id that answered. */
  model: string;
  /** Prompt tokens, cached ones included (OpenAI's convention). */
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's cache. */
  cachedTokens: number;
  /** Micro-units of `currency`; null when the model has no price, never 0 for "unknown". */
  costMicros: number | null;
  currency: string | null;
  /** False when the model has no price: the record is flagged, not costed at zero. */
  priced: boolean;
  /** True when token counts were estimated (usage never arrived, or the provider reports none). */
  estimated: boolean;
  /** The attempt chain, as in the `x-gatehouse-ai-attempts` header. */
  attempts: string;
}

const SCALE = 1_000_000n;

function scaled(pricePerMillion: number): bigint {
  return BigInt(Math.round(pricePerMillion * 1_000_000));
}

/**
 * Cost in micro-units of the price's currency. A price per million tokens is exactly the
 * price in micro-units per token, so cost = uncached prompt × input + cached × cached price
 * (input price when null) + completion × output. Prices are taken to 6 decimals; the sum is
 * computed exactly in integers and rounded once, half up, to a whole micro-unit.
 */
export function costMicros(tokens: TokenCounts, prices: ModelPrices): number {
  const cached = Math.min(tokens.cachedTokens, tokens.promptTokens);
  const uncached = tokens.promptTokens - cached;
  const total =
    BigInt(uncached) * scaled(prices.input) +
    BigInt(cached) * scaled(prices.cached ?? prices.input) +
    BigInt(tokens.completionTokens) * scaled(prices.output);
  return Number((total + SCALE / 2n) / SCALE);
}

/** The usage record of an answer, costed from the model's prices or flagged unpriced. */
export function priceUsage(
  provider: string,
  model: string,
  tokens: TokenCounts,
  prices: ModelPrices | null,
  attempts: string,
): AiUsage {
  return {
    provider,
    model,
    promptTokens: tokens.promptTokens,
    completionTokens: tokens.completionTokens,
    cachedTokens: tokens.cachedTokens,
    costMicros: prices ? costMicros(tokens, prices) : null,
    currency: prices ? prices.currency : null,
    priced: prices !== null,
    estimated: tokens.estimated === true,
    attempts,
  };
}
