/**
 * The site's alert rules (pure): each rule on or off, its priority, its repeat window.
 * Defaults keep alerts rare: a stranger's first visit is not an alert (the Unknowns tab
 * counts them); repeats of a rule for the same subject merge for 10 minutes.
 */
import {
  type AlertRule,
  type AlertRuleSetting,
  type AlertRuleSettings,
  alertRuleSchema,
  alertRuleSettingSchema,
} from '../../../src-preload/contract.js';
import type { AlertDraft } from './alert-rules.js';

export const DEFAULT_REPEAT_WINDOW_MINUTES = 10;

export const DEFAULT_ALERT_RULES: Readonly<AlertRuleSettings> = Object.freeze({
  new_unknown: { enabled: false, priority: 'low', repeatWindowMinutes: DEFAULT_REPEAT_WINDOW_MINUTES },
  recurring_unknown: { enabled: true, priority: 'medium', repeatWindowMinutes: DEFAULT_REPEAT_WINDOW_MINUTES },
  blocklisted_seen: { enabled: true, priority: 'high', repeatWindowMinutes: DEFAULT_REPEAT_WINDOW_MINUTES },
  restricted_area: { enabled: true, priority: 'high', repeatWindowMinutes: DEFAULT_REPEAT_WINDOW_MINUTES },
  camera_offline: { enabled: true, priority: 'medium', repeatWindowMinutes: DEFAULT_REPEAT_WINDOW_MINUTES },
});

export const alertRules: readonly AlertRule[] = alertRuleSchema.options;

export function defaultAlertRules(): AlertRuleSettings {
  return structuredClone(DEFAULT_ALERT_RULES) as AlertRuleSettings;
}

export interface StoredRulesReading {
  rules: AlertRuleSettings;
  /** Rules whose stored setting was unreadable and fell back to the default (logged by the caller). */
  fellBack: AlertRule[];
}

/**
 * The rules from what the database holds (JSON text, or nothing). Each rule is read on its
 * own: a missing rule (added by a later Vigil) gets its default, a damaged one too, and the
 * others keep what the site chose.
 */
export function readStoredRules(stored: string | null): StoredRulesReading {
  const rules = defaultAlertRules();
  const fellBack: AlertRule[] = [];
  if (stored === null) return { rules, fellBack };
  let raw: unknown;
  try {
    raw = JSON.parse(stored);
  } catch {
    return { rules, fellBack: [...alertRules] };
  }
  const object = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (!object) return { rules, fellBack: [...alertRules] };
  for (const rule of alertRules) {
    if (!(rule in object)) continue;
    const parsed = alertRuleSettingSchema.safeParse(object[rule]);
    if (parsed.success) rules[rule] = parsed.data;
    else fellBack.push(rule);
  }
  return { rules, fellBack };
}

/** A draft as the site's settings want it: dropped when its rule is off, at the rule's priority otherwise. */
export function applyRuleSettings(drafts: readonly AlertDraft[], rules: AlertRuleSettings): AlertDraft[] {
  return drafts.flatMap((draft) => {
    const setting: AlertRuleSetting = rules[draft.rule];
    return setting.enabled ? [{ ...draft, priority: setting.priority }] : [];
  });
}

/** Rules whose setting differs from the default (for the audit entry: what the operator changed). */
export function changedRules(before: AlertRuleSettings, after: AlertRuleSettings): AlertRule[] {
  return alertRules.filter((rule) => JSON.stringify(before[rule]) !== JSON.stringify(after[rule]));
}
