import { TokenError, type TokenErrorCode } from '../errors';

/** Runs `run` and returns the code of the TokenError it throws; fails when it throws nothing. */
export function refusal(run: () => unknown): TokenErrorCode {
  try {
    run();
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
  throw new Error('expected a TokenError, but the call succeeded');
}
