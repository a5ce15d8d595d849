import { templatePlaceholders } from '@gatehouse/ai';
import type { EventData, PromptStateV1, PromptVariable } from '@gatehouse/contracts';

type PromptState = EventData<typeof PromptStateV1>;

/** A saved prompt as a `prompt` version stores it; `path` is relative to the version's base path. */
export interface PromptDefinition {
  path: string;
  model: string;
  messages: PromptState['messages'];
  variables: PromptVariable[];
  parameters: PromptState['parameters'];
  responseFormat: PromptState['responseFormat'];
  outputSchema: Record<string, unknown> | null;
  title: string | null;
  description: string | null;
}

export interface DefinitionIssue {
  path: string;
  message: string;
}

/** What the gateway serves prompt APIs at: no parameters, no characters it would have to decode. */
export const PROMPT_PATH = /^\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

function defaultIssues(variable: PromptVariable): string[] {
  const problems: string[] = [];
  switch (variable.type) {
    case 'string': {
      const length = variable.default === undefined ? undefined : [...variable.default].length;
      if (variable.minLength !== undefined && variable.maxLength !== undefined && variable.minLength > variable.maxLength) problems.push('minLength is larger than maxLength');
      if (length !== undefined && variable.maxLength !== undefined && length > variable.maxLength) problems.push(`the default is longer than maxLength ${variable.maxLength}`);
      if (length !== undefined && variable.minLength !== undefined && length < variable.minLength) problems.push(`the default is shorter than minLength ${variable.minLength}`);
      break;
    }
    case 'number':
      if (variable.minimum !== undefined && variable.maximum !== undefined && variable.minimum > variable.maximum) problems.push('minimum is larger than maximum');
      if (variable.default !== undefined) {
        if (variable.integer && !Number.isInteger(variable.default)) problems.push('the default of an integer variable must be an integer');
        if (variable.minimum !== undefined && variable.default < variable.minimum) problems.push(`the default is below minimum ${variable.minimum}`);
        if (variable.maximum !== undefined && variable.default > variable.maximum) problems.push(`the default is above maximum ${variable.maximum}`);
      }
      break;
    case 'enum':
      if (new Set(variable.values).size !== variable.values.length) problems.push('enum values must be distinct');
      if (variable.default !== undefined && !variable.values.includes(variable.default)) problems.push(`the default '${variable.default}' is not one of the values`);
      break;
    case 'boolean':
      break;
  }
  return problems;
}

/**
 * Checks a prompt against its variables: every `{{placeholder}}` of the template must be a
 * declared variable, every declared variable must be used, names are unique, bounds and
 * defaults agree, and an output schema only goes with JSON output. `where` names the field
 * each message came from (the `template` shorthand or `messages.<i>.content`).
 */
export function promptDefinitionIssues(definition: PromptDefinition, where: (messageIndex: number) => string, prefix = 'prompt'): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const declared = new Map<string, number>();
  definition.variables.forEach((variable, index) => {
    if (declared.has(variable.name)) issues.push({ path: `${prefix}.variables.${index}.name`, message: `variable ${variable.name} is declared twice` });
    else declared.set(variable.name, index);
    for (const problem of defaultIssues(variable)) issues.push({ path: `${prefix}.variables.${index}`, message: `variable ${variable.name}: ${problem}` });
  });
  const used = new Set<string>();
  definition.messages.forEach((message, index) => {
    for (const name of templatePlaceholders(message.content)) {
      used.add(name);
      if (!declared.has(name)) issues.push({ path: where(index), message: `placeholder {{${name}}} is not a declared variable; declare it in ${prefix}.variables` });
    }
  });
  for (const [name, index] of declared) {
    if (!used.has(name)) issues.push({ path: `${prefix}.variables.${index}.name`, message: `variable ${name} is declared but the template never uses {{${name}}}` });
  }
  if (definition.outputSchema !== null && definition.responseFormat !== 'json') {
    issues.push({ path: `${prefix}.outputSchema`, message: 'an output schema needs responseFormat json' });
  }
  const seen = new Set<string>();
  return issues.filter((issue) => !seen.has(`${issue.path}|${issue.message}`) && seen.add(`${issue.path}|${issue.message}`));
}
