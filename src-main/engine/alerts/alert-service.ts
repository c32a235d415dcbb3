/**
 * Raises alerts from what the engine sees (sightings, unknown visits, camera
 * health), stores them with their history, and records who acknowledged them.
 * Sightings come from the camera pipeline itself (it alone knows when a track
 * has ended); camera health from its event. The entry points called from the
 * pipeline never throw: a failed alert write is logged, the camera keeps going.
 *
 * Alerts stay rare: each rule is on or off with its priority (the site's alert
 * rules, alert-settings.ts), and a repeat of a rule for the same subject within
 * the rule's window adds to the open alert instead of a new one (alert-merge.ts).
 */
import {
  type Alert,
  type AlertChange,
  type AlertRuleSettings,
  type AlertRulesState,
  type CameraState,
  type Sighting,
} from '../../../src-preload/contract.js';
import type { Engine } from '../engine.js';
import { VigilError } from '../errors.js';
import { AlertsRepository } from '../storage/alerts-repository.js';
import { AuditRepository } from '../storage/repositories.js';
import type { VisitOutcome } from '../unknowns/unknowns-service.js';
import type { RgbImage } from '../vision/geometry.js';
import { encodeJpegThumbnail } from '../vision/image-io.js';
import { alertSubject, mergeDecision } from './alert-merge.js';
import { type AlertEvent, type AlertPolicy, alertsFor, type CameraRef } from './alert-rules.js';
import { applyRuleSettings, changedRules, defaultAlertRules, readStoredRules } from './alert-settings.js';

/** Sighting identities already judged (a visit raises its alerts once per identity, not on every refresh). */
const MAX_REMEMBERED_SIGHTINGS = 10_000;
/** settings key: the site's alert rules (JSON, alertRuleSettingsSchema). */
export const ALERT_RULES_SETTING = 'alert_rules';

export class AlertService {
  readonly repo: AlertsRepository;
  private readonly judgedSightings = new Set<string>();
  private readonly cameraStates = new Map<number, CameraState>();
  private currentRules: AlertRuleSettings;
  /** Encodes the face shown on an alert card (tests wrap it). */
  encodeFace: (crop: RgbImage) => Promise<Buffer> = (crop) => encodeJpegThumbnail(crop);
  /** The time repeat windows are measured on (tests move it forward). */
  clock: () => Date = () => new Date();

  constructor(
    private readonly engine: Engine,
    readonly policy: AlertPolicy,
  ) {
    this.repo = new AlertsRepository(engine.db);
    const stored = (engine.db.prepare('SELECT value FROM settings WHERE key = ?').get(ALERT_RULES_SETTING) as { value: string } | undefined)?.value ?? null;
    const { rules, fellBack } = readStoredRules(stored);
    if (fellBack.length > 0) engine.log.warn('alerts', 'stored alert rules unreadable: defaults used for these', { rules: fellBack.join(', ') });
    this.currentRules = rules;
    engine.on('cameras.health', ({ cameraId, health }) => this.onCameraState(cameraId, health.state, health.lastError));
  }

  // ---------- rules ----------

  rules(): AlertRulesState {
    return { rules: structuredClone(this.currentRules), defaults: defaultAlertRules() };
  }

  /** Replaces the rules (validated by the contract), with an audit entry naming the rules that changed. */
  setRules(rules: AlertRuleSettings, operator: string): AlertRulesState {
    const changed = changedRules(this.currentRules, rules);
    this.engine.db.transaction(() => {
      this.engine.db
        .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(ALERT_RULES_SETTING, JSON.stringify(rules));
      if (changed.length > 0) {
        new AuditRepository(this.engine.db).append({
          operator,
          action: 'alerts.rules.set',
          subjectKind: 'alert_rules',
          subjectId: null,
          subjectLabel: 'Alert rules',
          details: Object.fromEntries(changed.map((rule) => [rule, { before: this.currentRules[rule], after: rules[rule] }])),
        });
      }
    })();
    this.currentRules = structuredClone(rules);
    return this.rules();
  }

  // ---------- raising ----------

  /** For callbacks inside the camera pipeline and its emitters: an error here is logged, never thrown into them. */
  private logged(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.engine.log.error('alerts', `alert not raised for ${what}`, { reason: (error as Error).message });
    }
  }

  private camera(id: number | null, fallbackName: string | null): CameraRef | null {
    const record = id !== null ? this.engine.cameraRepo.get(id) : null;
    if (record) return { id: record.id, name: record.name, restricted: record.restricted };
    return fallbackName ? { id: null, name: fallbackName, restricted: false } : null;
  }

  /** Raises what the rules say (new alerts, or repeats merged into open ones); `face` goes with the pushed event only. */
  private raise(event: AlertEvent, face: RgbImage | null = null): AlertChange[] {
    const now = this.clock();
    const drafts = applyRuleSettings(alertsFor(event, this.policy), this.currentRules);
    const changes = drafts.map((draft) =>
      this.engine.db.transaction((): AlertChange => {
        const subject = alertSubject(draft);
        const open = subject !== null ? this.repo.latestOpen(draft.rule, subject) : null;
        const candidate = open ? { id: open.id, acknowledged: false, lastRaisedAt: new Date(open.lastRaisedAt) } : null;
        const decision = mergeDecision(candidate, now, this.currentRules[draft.rule].repeatWindowMinutes);
        const repeated = decision.kind === 'merge' ? this.repo.repeat(decision.alertId, draft, now) : null;
        return repeated ? { ...repeated, change: 'repeated' } : { ...this.repo.insert(draft, subject, now), change: 'raised' };
      })(),
    );
    for (const change of changes) {
      if (change.change === 'raised') {
        this.engine.log.write(change.priority === 'high' ? 'warn' : 'info', 'alerts', change.message, { rule: change.rule, priority: change.priority });
      }
      if (face && change.priority !== 'low') this.emitWithFace(change, face);
      else this.engine.emit('alerts.changed', change);
    }
    return changes;
  }

  /**
   * The face crop is encoded off the caller's path; the event goes out once it is ready (or without
   * it, should encoding fail), with the alert as it is then (acknowledged meanwhile: no card).
   */
  private emitWithFace(change: AlertChange, face: RgbImage): void {
    void this.encodeFace(face)
      .then((jpeg) => jpeg.toString('base64'))
      .catch((error: unknown) => {
        this.engine.log.warn('alerts', 'face crop not attached', { alert: change.id, reason: (error as Error).message });
        return undefined;
      })
      .then((faceJpegBase64) => {
        try {
          const current = this.repo.get(change.id);
          if (!current) return;
          const payload: AlertChange = { ...current, change: current.acknowledgedAt ? 'acknowledged' : change.change };
          this.engine.emit('alerts.changed', faceJpegBase64 && !current.acknowledgedAt ? { ...payload, faceJpegBase64 } : payload);
        } catch (error) {
          this.engine.log.error('alerts', 'alert not announced', { alert: change.id, reason: (error as Error).message });
        }
      });
  }

  /** A sighting opened or changed; `final` when its track has ended (an "unknown" is then a verdict, not a first guess). */
  onSighting(sighting: Sighting, final: boolean, face: RgbImage | null = null): void {
    this.logged(`sighting ${sighting.id}`, () => {
      const key = `${sighting.id}:${sighting.personId ?? sighting.status}`;
      if (this.judgedSightings.has(key)) return;
      const person = sighting.personId !== null ? this.engine.people.get(sighting.personId) : null;
      this.raise(
        {
          kind: 'sighting',
          final,
          status: sighting.status,
          personId: sighting.personId,
          personName: sighting.personName,
          category: person?.category ?? null,
          camera: sighting.cameraId ? this.camera(sighting.cameraId, sighting.cameraName) : null,
        },
        face,
      );
      // A still-unknown live track is judged again when it ends.
      if (sighting.status === 'unknown' && !final) return;
      if (this.judgedSightings.size >= MAX_REMEMBERED_SIGHTINGS) this.judgedSightings.clear();
      this.judgedSightings.add(key);
    });
  }

  /** Called after a visit or merge has committed: a failed alert must not turn it into an error. */
  onUnknownVisit(outcome: VisitOutcome, cameraId: number | null, cameraName: string | null, face: RgbImage | null = null): void {
    this.logged(`unknown person #${outcome.clusterId}`, () =>
      this.raise({ kind: 'unknown_appearance', ...outcome, camera: this.camera(cameraId, cameraName) }, face),
    );
  }

  onCameraState(cameraId: number, state: CameraState, lastError: string | null): void {
    this.logged(`camera ${cameraId}`, () => {
      const previous = this.cameraStates.get(cameraId) ?? null;
      this.cameraStates.set(cameraId, state);
      if (previous === state) return;
      const camera = this.camera(cameraId, null);
      if (camera) this.raise({ kind: 'camera_state', camera, previous, state, lastError });
    });
  }

  // ---------- reading and acknowledging ----------

  list(limit: number, unacknowledgedOnly: boolean): Alert[] {
    return this.repo.list(limit, unacknowledgedOnly);
  }

  acknowledge(id: number, operator: string, note: string | undefined): Alert {
    const existing = this.repo.get(id);
    if (!existing) throw new VigilError('NOT_FOUND', `No alert with id ${id}`);
    if (existing.acknowledgedAt) {
      throw new VigilError('CONFLICT', `This alert was already acknowledged by ${existing.acknowledgedBy ?? 'someone'} at ${existing.acknowledgedAt}`);
    }
    // The acknowledgement and its audit entry commit together.
    const alert = this.engine.db.transaction(() => {
      const acknowledged = this.repo.acknowledge(id, operator, note?.trim() || null)!;
      new AuditRepository(this.engine.db).append({
        operator,
        action: 'alert.acknowledged',
        subjectKind: 'alert',
        subjectId: id,
        subjectLabel: acknowledged.message.slice(0, 200),
        details: { rule: acknowledged.rule, priority: acknowledged.priority, count: acknowledged.count, note: acknowledged.note !== null },
      });
      return acknowledged;
    })();
    this.engine.emit('alerts.changed', { ...alert, change: 'acknowledged' });
    return alert;
  }
}
