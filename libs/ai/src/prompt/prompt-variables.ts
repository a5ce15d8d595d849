import { AiError } from '../errors/ai-error';
import type { PromptVariable } from './prompt-api.schema';

/** Validated variable values, defaults applied. */
export type PromptValues = Record<string, string | number | boolean | undefined>;

function invalid(name: string, message: string): AiError {
  return new AiError('invalid_variable', `Variable '${name}' ${message}`, name);
}

function check(variable: PromptVariable, value: unknown): string | number | boolean {
  const { name } = variable;
  switch (variable.type) {
    case 'string': {
      if (typeof value !== 'string') throw invalid(name, `must be a string, got ${describe(value)}`);
      if (variable.maxLength !== undefined && [...value].length > variable.maxLength) throw invalid(name, `must be at most ${variable.maxLength} characters`);
      if (variable.minLength !== undefined && [...value].length < variable.minLength) throw invalid(name, `must be at least ${variable.minLength} characters`);
      return value;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, `must be a number, got ${describe(value)}`);
      if (variable.integer && !Number.isInteger(value)) throw invalid(name, 'must be an integer');
      if (variable.minimum !== undefined && value < variable.minimum) throw invalid(name, `must be at least ${variable.minimum}`);
      if (variable.maximum !== undefined && value > variable.maximum) throw invalid(name, `must be at most ${variable.maximum}`);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(name, `must be a boolean, got ${describe(value)}`);
      return value;
    case 'enum':
      if (typeof value !== 'string' || !variable.values.includes(value)) throw invalid(name, `must be one of ${variable.values.map((item) => `'${item}'`).join(', ')}`);
      return value;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Validates a request body against the declared variables: every required one present and
 * of its type, no undeclared ones. Throws a 400 AiError whose `param` names the variable.
 */
export function validatePromptValues(variables: readonly PromptVariable[], body: unknown): PromptValues {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AiError('invalid_request', 'The request body must be a JSON object of variables');
  }
  const input = body as Record<string, unknown>;
  const known = new Set(variables.map((variable) => variable.name));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new AiError('invalid_variable', `Unknown variable '${key}'`, key);
  }
  const values: PromptValues = {};
  for (const variable of variables) {
    const value = Object.hasOwn(input, variable.name) ? input[variable.name] : undefined;
    if (value === undefined || value === null) {
      if (variable.default !== undefined) values[variable.name] = variable.default;
      else if (variable.required) throw invalid(variable.name, 'is required');
      continue;
    }
    values[variable.name] = check(variable, value);
  }
  return values;
}
