import { describe, expect, it } from 'vitest';
import { type PromptDefinition, promptDefinitionIssues } from './prompt-definition';

const definition = (overrides: Partial<PromptDefinition> = {}): PromptDefinition => ({
  path: '/sentiment',
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Answer in {{ language }}.' },
    { role: 'user', content: 'Classify: {{text}}' },
  ],
  variables: [
    { name: 'text', type: 'string', required: true, maxLength: 100 },
    { name: 'language', type: 'enum', required: false, values: ['en', 'fr'], default: 'en' },
  ],
  parameters: {},
  responseFormat: 'text',
  outputSchema: null,
  title: null,
  description: null,
  ...overrides,
});
const where = (index: number) => `prompt.messages.${index}.content`;

describe('promptDefinitionIssues', () => {
  it('accepts a template whose placeholders are exactly the declared variables', () => {
    expect(promptDefinitionIssues(definition(), where)).toEqual([]);
  });

  it('names each placeholder that is not declared, once, where it is used', () => {
    const issues = promptDefinitionIssues(definition({ messages: [{ role: 'user', content: '{{text}} {{language}} {{tone}} {{tone}}' }] }), where);
    expect(issues).toEqual([{ path: 'prompt.messages.0.content', message: 'placeholder {{tone}} is not a declared variable; declare it in prompt.variables' }]);
  });

  it('names each declared variable the template never uses', () => {
    const issues = promptDefinitionIssues(definition({ messages: [{ role: 'user', content: 'Classify: {{text}}' }] }), where);
    expect(issues).toEqual([{ path: 'prompt.variables.1.name', message: 'variable language is declared but the template never uses {{language}}' }]);
  });

  it('refuses duplicate names, contradictory bounds and defaults that break their own rules', () => {
    const issues = promptDefinitionIssues(
      definition({
        messages: [{ role: 'user', content: '{{text}} {{count}} {{mood}}' }],
        variables: [
          { name: 'text', type: 'string', required: true, minLength: 5, maxLength: 2, default: 'abc' },
          { name: 'text', type: 'string', required: true },
          { name: 'count', type: 'number', required: true, integer: true, minimum: 10, maximum: 1, default: 2.5 },
          { name: 'mood', type: 'enum', required: true, values: ['a', 'a'], default: 'b' },
        ],
      }),
      where,
    ).map((issue) => `${issue.path}: ${issue.message}`);
    expect(issues).toEqual([
      'prompt.variables.0: variable text: minLength is larger than maxLength',
      'prompt.variables.0: variable text: the default is longer than maxLength 2',
      'prompt.variables.0: variable text: the default is shorter than minLength 5',
      'prompt.variables.1.name: variable text is declared twice',
      'prompt.variables.2: variable count: minimum is larger than maximum',
      'prompt.variables.2: variable count: the default of an integer variable must be an integer',
      'prompt.variables.2: variable count: the default is below minimum 10',
      'prompt.variables.2: variable count: the default is above maximum 1',
      'prompt.variables.3: variable mood: enum values must be distinct',
      "prompt.variables.3: variable mood: the default 'b' is not one of the values",
    ]);
  });

  it('keeps an output schema for JSON output only', () => {
    expect(promptDefinitionIssues(definition({ outputSchema: { type: 'object' } }), where)).toEqual([{ path: 'prompt.outputSchema', message: 'an output schema needs responseFormat json' }]);
    expect(promptDefinitionIssues(definition({ outputSchema: { type: 'object' }, responseFormat: 'json' }), where)).toEqual([]);
  });
});
