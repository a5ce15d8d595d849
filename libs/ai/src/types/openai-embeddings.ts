import { z } from 'zod';

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1).max(200),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    z.array(z.number().int().min(0)).min(1),
    z.array(z.array(z.number().int().min(0)).min(1)).min(1).max(2048),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});
/** OpenAI Embeddings request. */
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

/** OpenAI Embeddings response (`embedding` is a base64 float32 string when asked). */
export interface EmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** The texts of an embeddings request, or null when it carries token arrays. */
export function embeddingTexts(input: EmbeddingsRequest['input']): string[] | null {
  if (typeof input === 'string') return [input];
  if (input.every((item) => typeof item === 'string')) return input as string[];
  return null;
}

/** Little-endian float32 base64, the encoding OpenAI uses for `encoding_format: base64`. */
export function encodeEmbeddingBase64(values: readonly number[]): string {
  const floats = new Float32Array(values);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}
