import { create } from 'zustand';
import {
  type AlertPriority,
  type AlertRule,
  type AlertRuleSettings,
  alertRuleSchema,
  alertRuleSettingSchema,
} from '../../../src-preload/contract';
import { describeError, getApi } from '../api';

export const alertRuleNames: readonly AlertRule[] = alertRuleSchema.options;

/** One rule as typed on the settings page (the window is text until it is checked). */
export interface RuleDraft {
  enabled: boolean;
  priority: AlertPriority;
  repeatWindowMinutes: string;
}
export type RulesDraft = Record<AlertRule, RuleDraft>;

const toDraft = (rules: AlertRuleSettings): RulesDraft =>
  Object.fromEntries(alertRuleNames.map((r) => [r, { ...rules[r], repeatWindowMinutes: String(rules[r].repeatWindowMinutes) }])) as RulesDraft;

/**
 * The draft checked with the contract's own schema: the settings, or each rule's problem in
 * plain words (nothing is sent while one remains).
 */
export function checkDraft(draft: RulesDraft): { rules: AlertRuleSettings; problems: null } | { rules: null; problems: Partial<Record<AlertRule, string>> } {
  const problems: Partial<Record<AlertRule, string>> = {};
  const rules = {} as AlertRuleSettings;
  for (const rule of alertRuleNames) {
    const text = draft[rule].repeatWindowMinutes.trim();
    if (text === '') {
      problems[rule] = 'Enter the repeat window in minutes (0 means every repeat is a new alert).';
      continue;
    }
    const parsed = alertRuleSettingSchema.safeParse({ ...draft[rule], repeatWindowMinutes: Number(text) });
    if (parsed.success) rules[rule] = parsed.data;
    else {
      const message = parsed.error.issues[0]?.message ?? 'not valid';
      problems[rule] = `${message[0]!.toUpperCase()}${message.slice(1)}.`;
    }
  }
  return Object.keys(problems).length > 0 ? { rules: null, problems } : { rules, problems: null };
}

interface AlertRulesSlice {
  saved: AlertRuleSettings | null;
  defaults: AlertRuleSettings | null;
  draft: RulesDraft | null;
  problems: Partial<Record<AlertRule, string>>;
  loadError: string | null;
  saveError: string | null;
  saving: boolean;
  /** Plain-words result of the last save ("Saved."), announced politely. */
  status: string | null;

  load(): Promise<void>;
  edit(rule: AlertRule, change: Partial<RuleDraft>): void;
  restoreDefaults(): void;
  save(): Promise<void>;
}

export const useAlertRules = create<AlertRulesSlice>()((set, get) => ({
  saved: null,
  defaults: null,
  draft: null,
  problems: {},
  loadError: null,
  saveError: null,
  saving: false,
  status: null,

  async load() {
    try {
      const { rules, defaults } = await getApi().invoke('alerts.rules.get', {});
      set({ saved: rules, defaults, draft: toDraft(rules), problems: {}, loadError: null });
    } catch (error) {
      set({ loadError: describeError(error) });
    }
  },

  edit(rule, change) {
    const draft = get().draft;
    if (!draft) return;
    const { [rule]: _cleared, ...problems } = get().problems;
    set({ draft: { ...draft, [rule]: { ...draft[rule], ...change } }, problems, status: null, saveError: null });
  },

  restoreDefaults() {
    const defaults = get().defaults;
    if (defaults) set({ draft: toDraft(defaults), problems: {}, status: 'Defaults filled in: save to apply them.', saveError: null });
  },

  async save() {
    const draft = get().draft;
    if (!draft) return;
    const checked = checkDraft(draft);
    if (!checked.rules) {
      set({ problems: checked.problems, status: null, saveError: 'Not saved: fix the rules marked below.' });
      return;
    }
    set({ saving: true, problems: {}, saveError: null, status: null });
    try {
      const { rules, defaults } = await getApi().invoke('alerts.rules.set', { rules: checked.rules });
      set({ saved: rules, defaults, draft: toDraft(rules), saving: false, status: 'Saved. The rules apply to the next alert.' });
    } catch (error) {
      set({ saving: false, saveError: `Not saved. ${describeError(error)}` });
    }
  },
}));
