import type { AlertPriority, AlertRule } from '../../../src-preload/contract';

/** Each rule in a few plain words (alerts list, wall cards, settings). */
export const ruleWords: Record<AlertRule, string> = {
  new_unknown: 'New unknown',
  recurring_unknown: 'Recurring unknown',
  blocklisted_seen: 'Blocklisted person',
  restricted_area: 'Restricted area',
  camera_offline: 'Camera offline',
};

/** What each rule watches for, for the settings page. */
export const ruleDescriptions: Record<AlertRule, string> = {
  new_unknown: 'A face nobody enrolled is seen for the first time (the Unknowns tab counts these anyway).',
  recurring_unknown: 'The same unknown face has come back several times.',
  blocklisted_seen: 'Someone on the blocklist is seen on any camera.',
  restricted_area: 'Anyone but an employee is seen at a camera marked as a restricted area.',
  camera_offline: 'A working camera stops or keeps reconnecting.',
};

export const priorityWords: Record<AlertPriority, string> = { low: 'Low', medium: 'Medium', high: 'High' };
