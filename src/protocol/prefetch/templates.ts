import type { HookName } from '../types.js';

/**
 * Prefetch template tokens under the CDS Hooks 2.0 rules: only root-level primitive context fields marked
 * "Prefetch Token: Yes" by the hook (userId, patientId, encounterId for the three hooks here) and the
 * user*Id family. No draftOrders/selections tokens, no nested paths, no FHIRPath (3.0 ballot only).
 */
const CONTEXT_TOKENS: Record<HookName, readonly string[]> = {
  'patient-view': ['userId', 'patientId', 'encounterId'],
  'order-select': ['userId', 'patientId', 'encounterId'],
  'order-sign': ['userId', 'patientId', 'encounterId'],
};
const USER_TOKENS = ['userPractitionerId', 'userPractitionerRoleId', 'userPatientId', 'userRelatedPersonId'];
const TOKEN = /\{\{\s*([^}]*?)\s*\}\}/g;

export function assertValidTemplate(hook: HookName, key: string, template: string): void {
  for (const match of template.matchAll(TOKEN)) {
    const token = match[1] ?? '';
    const ok = token.startsWith('context.')
      ? CONTEXT_TOKENS[hook].includes(token.slice('context.'.length))
      : USER_TOKENS.includes(token);
    if (!ok)
      throw new Error(`prefetch "${key}" for ${hook}: token {{${token}}} is not allowed in CDS Hooks 2.0`);
  }
  if (template.replace(TOKEN, '').includes('{{')) throw new Error(`prefetch "${key}": unbalanced {{ }}`);
  if (/^[a-z]+:/i.test(template) || template.startsWith('/')) {
    throw new Error(`prefetch "${key}": templates must be relative to fhirServer`);
  }
}

/** Values a template may be filled with, taken from the validated request context. */
export interface TokenValues {
  context: Record<string, unknown>;
}

/**
 * Fill a template's tokens. Returns undefined when a token has no value (the key cannot be fetched; a rule that
 * needs it will then answer 412). Values are URL-encoded, except `userId`, which is a `Type/id` reference by
 * definition and is only ever used as a whole read path.
 */
export function expandTemplate(template: string, values: TokenValues): string | undefined {
  let missing = false;
  const userId = typeof values.context.userId === 'string' ? values.context.userId : undefined;
  const [userType, userBareId] = userId?.split('/') ?? [];
  const expanded = template.replace(TOKEN, (_all, rawToken: string) => {
    const token = rawToken.trim();
    let value: string | undefined;
    if (token.startsWith('context.')) {
      const v = values.context[token.slice('context.'.length)];
      if (typeof v === 'string' && v.length > 0)
        value = token === 'context.userId' ? v : encodeURIComponent(v);
    } else if (userType && userBareId && token === `user${userType}Id`) {
      value = encodeURIComponent(userBareId);
    }
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : expanded;
}
