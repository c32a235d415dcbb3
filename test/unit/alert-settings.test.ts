import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlertDraft } from '../../src-main/engine/alerts/alert-rules.js';
import { applyRuleSettings, changedRules, DEFAULT_ALERT_RULES, defaultAlertRules, readStoredRules } from '../../src-main/engine/alerts/alert-settings.js';
import { type AlertRule, alertRuleSettingsSchema, channels } from '../../src-preload/contract.js';

const draft = (rule: AlertRule, priority: AlertDraft['priority']): AlertDraft => ({
  rule,
  priority,
  cameraId: 1,
  cameraName: 'Lobby',
  clusterId: null,
  personId: null,
  message: rule,
});

describe('alert rule defaults', () => {
  test('a stranger\'s first visit is not an alert; the others are, at their usual priority, merging for 10 minutes', () => {
    assert.deepEqual(
      Object.entries(DEFAULT_ALERT_RULES).map(([rule, s]) => [rule, s.enabled, s.priority, s.repeatWindowMinutes]),
      [
        ['new_unknown', false, 'low', 10],
        ['recurring_unknown', true, 'medium', 10],
        ['blocklisted_seen', true, 'high', 10],
        ['restricted_area', true, 'high', 10],
        ['camera_offline', true, 'medium', 10],
      ],
    );
    assert.equal(alertRuleSettingsSchema.safeParse(DEFAULT_ALERT_RULES).success, true, 'the defaults pass their own schema');
  });

  test('defaultAlertRules is a copy: changing it leaves the defaults alone', () => {
    const copy = defaultAlertRules();
    copy.camera_offline.enabled = false;
    assert.equal(DEFAULT_ALERT_RULES.camera_offline.enabled, true);
  });
});

describe('reading stored rules', () => {
  const custom = { ...defaultAlertRules(), camera_offline: { enabled: false, priority: 'low', repeatWindowMinutes: 30 } };
  const cases: Array<{ name: string; stored: string | null; expected: Partial<Record<AlertRule, unknown>>; fellBack: AlertRule[] }> = [
    { name: 'nothing stored: defaults', stored: null, expected: {}, fellBack: [] },
    { name: 'a full set: as stored', stored: JSON.stringify(custom), expected: { camera_offline: custom.camera_offline }, fellBack: [] },
    {
      name: 'a rule missing (added by a later Vigil): its default, the others as stored',
      stored: JSON.stringify({ camera_offline: custom.camera_offline }),
      expected: { camera_offline: custom.camera_offline },
      fellBack: [],
    },
    {
      name: 'one rule damaged: its default, reported; the others as stored',
      stored: JSON.stringify({ ...custom, blocklisted_seen: { enabled: 'yes', priority: 'urgent', repeatWindowMinutes: -1 } }),
      expected: { camera_offline: custom.camera_offline },
      fellBack: ['blocklisted_seen'],
    },
    { name: 'not JSON: all defaults, all reported', stored: '{oops', expected: {}, fellBack: ['new_unknown', 'recurring_unknown', 'blocklisted_seen', 'restricted_area', 'camera_offline'] },
    { name: 'JSON but an array: all defaults, all reported', stored: '[1,2]', expected: {}, fellBack: ['new_unknown', 'recurring_unknown', 'blocklisted_seen', 'restricted_area', 'camera_offline'] },
    { name: 'an unknown rule name is ignored', stored: JSON.stringify({ coffee_break: { enabled: true } }), expected: {}, fellBack: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { rules, fellBack } = readStoredRules(c.stored);
      assert.deepEqual(rules, { ...defaultAlertRules(), ...c.expected });
      assert.deepEqual(fellBack, c.fellBack);
    });
  }
});

describe('applying the rules to what the events raise', () => {
  const drafts = [draft('new_unknown', 'low'), draft('blocklisted_seen', 'high'), draft('camera_offline', 'medium')];
  const cases: Array<{ name: string; change: Partial<Record<AlertRule, { enabled: boolean; priority: AlertDraft['priority'] }>>; expected: Array<[AlertRule, string]> }> = [
    { name: 'defaults: the new stranger is dropped', change: {}, expected: [['blocklisted_seen', 'high'], ['camera_offline', 'medium']] },
    { name: 'new stranger switched on: kept at its priority', change: { new_unknown: { enabled: true, priority: 'low' } }, expected: [['new_unknown', 'low'], ['blocklisted_seen', 'high'], ['camera_offline', 'medium']] },
    { name: 'camera offline raised to high', change: { camera_offline: { enabled: true, priority: 'high' } }, expected: [['blocklisted_seen', 'high'], ['camera_offline', 'high']] },
    { name: 'everything off: nothing', change: Object.fromEntries(drafts.map((d) => [d.rule, { enabled: false, priority: 'low' }])), expected: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const rules = defaultAlertRules();
      for (const [rule, s] of Object.entries(c.change)) rules[rule as AlertRule] = { ...rules[rule as AlertRule], ...s };
      assert.deepEqual(applyRuleSettings(drafts, rules).map((d) => [d.rule, d.priority]), c.expected);
    });
  }

  test('changedRules names only what differs', () => {
    const after = defaultAlertRules();
    after.restricted_area.repeatWindowMinutes = 5;
    assert.deepEqual(changedRules(defaultAlertRules(), after), ['restricted_area']);
    assert.deepEqual(changedRules(after, after), []);
  });
});

describe('the alerts.rules.set request refuses bad input with words a person understands', () => {
  const request = channels['alerts.rules.set'].request;
  const withRule = (setting: unknown) => ({ rules: { ...defaultAlertRules(), camera_offline: setting } });
  const cases: Array<{ name: string; input: unknown; message: RegExp | null }> = [
    { name: 'the defaults: accepted', input: { rules: defaultAlertRules() }, message: null },
    { name: 'window 0 (every repeat new): accepted', input: withRule({ enabled: true, priority: 'medium', repeatWindowMinutes: 0 }), message: null },
    { name: 'window a day: accepted', input: withRule({ enabled: true, priority: 'medium', repeatWindowMinutes: 1440 }), message: null },
    { name: 'negative window', input: withRule({ enabled: true, priority: 'medium', repeatWindowMinutes: -5 }), message: /cannot be negative/ },
    { name: 'window over a day', input: withRule({ enabled: true, priority: 'medium', repeatWindowMinutes: 1441 }), message: /at most 1440 minutes/ },
    { name: 'fractional window', input: withRule({ enabled: true, priority: 'medium', repeatWindowMinutes: 2.5 }), message: /whole number/ },
    { name: 'window as text', input: withRule({ enabled: true, priority: 'medium', repeatWindowMinutes: 'ten' }), message: /number of minutes/ },
    { name: 'unknown priority', input: withRule({ enabled: true, priority: 'urgent', repeatWindowMinutes: 10 }), message: /priority/ },
    { name: 'a rule left out', input: { rules: { camera_offline: DEFAULT_ALERT_RULES.camera_offline } }, message: /new_unknown/ },
    { name: 'an unknown rule', input: { rules: { ...defaultAlertRules(), coffee_break: DEFAULT_ALERT_RULES.camera_offline } }, message: /coffee_break/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const parsed = request.safeParse(c.input);
      if (c.message === null) return assert.equal(parsed.success, true, parsed.success ? '' : JSON.stringify(parsed.error.issues));
      assert.equal(parsed.success, false);
      const words = parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      assert.match(words, c.message);
    });
  }
});
