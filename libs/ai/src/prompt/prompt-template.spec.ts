import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AiError } from '../errors/ai-error';
import { promptChatRequest } from './prompt-api';
import { promptApiSchema } from './prompt-api.schema';
import { renderTemplate, templatePlaceholders } from './prompt-template';
import { validatePromptValues } from './prompt-variables';

describe('renderTemplate', () => {
  it('replaces placeholders, spaces inside the braces allowed', () => {
    expect(renderTemplate('Hi {{name}}, you are {{ age }}.', { name: 'Ada', age: 36 })).toBe('Hi Ada, you are 36.');
  });

  it('inserts values as data: placeholders inside values are not expanded', () => {
    expect(renderTemplate('A {{x}} B {{y}}', { x: '{{y}}', y: 'secret' })).toBe('A {{y}} B secret');
  });

  it('does not interpret replacement patterns in values', () => {
    expect(renderTemplate('[{{x}}]', { x: "$& $1 $' $` $$" })).toBe("[$& $1 $' $` $$]");
  });

  it('renders an absent optional variable as nothing and ignores inherited keys', () => {
    expect(renderTemplate('[{{constructor}}][{{missing}}]', {})).toBe('[][]');
  });

  it('keeps any string exactly (property)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (x, y) => renderTemplate('<{{x}}|{{y}}>', { x, y }) === `<${x}|${y}>`));
  });

  it('lists placeholders', () => {
    expect(templatePlaceholders('{{a}} {{ b }} {{a}} {c} {{ 1x }}')).toEqual(['a', 'b', 'a']);
  });
});

describe('validatePromptValues', () => {
  const variables = promptApiSchema.parse({
    id: 'p',
    path: '/p',
    model: 'm',
    messages: [{ role: 'user', content: '{{text}}' }],
    variables: [
      { name: 'text', type: 'string', maxLength: 5 },
      { name: 'n', type: 'number', integer: true, minimum: 1, maximum: 3, required: false },
      { name: 'tone', type: 'enum', values: ['dry', 'warm'], default: 'dry' },
      { name: 'flag', type: 'boolean', required: false },
    ],
  }).variables;

  const fails = (body: unknown) => {
    try {
      validatePromptValues(variables, body);
    } catch (error) {
      if (error instanceof AiError) return { status: error.status, param: error.param, message: error.message };
      throw error;
    }
    throw new Error('expected a failure');
  };

  it('applies defaults and keeps valid values', () => {
    expect(validatePromptValues(variables, { text: 'héllo', n: 2 })).toEqual({ text: 'héllo', n: 2, tone: 'dry' });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(validatePromptValues(variables, { text: '😀😀😀😀😀' }).text).toBe('😀😀😀😀😀');
  });

  it('names the variable in every refusal', () => {
    expect(fails({})).toEqual({ status: 400, param: 'text', message: "Variable 'text' is required" });
    expect(fails({ text: 'abcdef' })).toMatchObject({ param: 'text', message: "Variable 'text' must be at most 5 characters" });
    expect(fails({ text: 'a', n: 1.5 })).toMatchObject({ param: 'n', message: "Variable 'n' must be an integer" });
    expect(fails({ text: 'a', n: 9 })).toMatchObject({ param: 'n', message: "Variable 'n' must be at most 3" });
    expect(fails({ text: 'a', n: '2' })).toMatchObject({ param: 'n', message: "Variable 'n' must be a number, got string" });
    expect(fails({ text: 'a', flag: 1 })).toMatchObject({ param: 'flag' });
    expect(fails({ text: 'a', tone: 'loud' })).toMatchObject({ param: 'tone' });
    expect(fails({ text: 'a', __proto__x: 1 })).toMatchObject({ param: '__proto__x', message: "Unknown variable '__proto__x'" });
    expect(fails([1])).toMatchObject({ status: 400, param: null });
  });
});

describe('promptChatRequest', () => {
  it('builds the chat request with the parameters and a JSON format', () => {
    const api = promptApiSchema.parse({
      id: 'extract',
      path: '/ai/extract',
      model: 'gpt-4o',
      messages: [{ role: 'system', content: 'Extract.' }, { role: 'user', content: '{{text}}' }],
      variables: [{ name: 'text', type: 'string' }],
      parameters: { temperature: 0.2, max_tokens: 30 },
      responseFormat: 'json',
    });
    expect(promptChatRequest(api, { text: '{{text}}' })).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Extract.' },
        { role: 'user', content: '{{text}}' },
      ],
      temperature: 0.2,
      max_tokens: 30,
      response_format: { type: 'json_object' },
    });
  });
});
