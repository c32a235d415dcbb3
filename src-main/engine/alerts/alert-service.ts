/**
 * Raises alerts from what the engine sees (sightings, unknown visits, camera
 * health), stores them with their history, and records who acknowledged them.
 * Sightings come from the camera pipeline itself (it alone knows when a track
 * has ended); camera health from its event. The entry points called from the
 * pipeline never throw: a failed alert write is logged, the camera keeps going.
 */
import type { Alert, CameraState, Sighting } from '../../../src-preload/contract.js';
import type { Engine } from '../engine.js';
import { VigilError } from '../errors.js';
import { AlertsRepository } from '../storage/alerts-repository.js';
import type { VisitOutcome } from '../unknowns/unknowns-service.js';
import { type AlertEvent, type AlertPolicy, alertsFor, type CameraRef } from './alert-rules.js';

/** Sighting identities already judged (a visit raises its alerts once per identity, not on every refresh). */
const MAX_REMEMBERED_SIGHTINGS = 10_000;

export class AlertService {
  readonly repo: AlertsRepository;
  private readonly judgedSightings = new Set<string>();
  private readonly cameraStates = new Map<number, CameraState>();

  constructor(
    private readonly engine: Engine,
    readonly policy: AlertPolicy,
  ) {
    this.repo = new AlertsRepository(engine.db);
    engine.on('cameras.health', ({ cameraId, health }) => this.onCameraState(cameraId, health.state, health.lastError));
  }

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

  private raise(event: AlertEvent): Alert[] {
    const raised = alertsFor(event, this.policy).map((draft) => this.repo.insert(draft));
    for (const alert of raised) {
      this.engine.log.write(alert.priority === 'high' ? 'warn' : 'info', 'alerts', alert.message, { rule: alert.rule, priority: alert.priority });
      this.engine.emit('alerts.changed', alert);
    }
    return raised;
  }

  /** A sighting opened or changed; `final` when its track has ended (an "unknown" is then a verdict, not a first guess). */
  onSighting(sighting: Sighting, final: boolean): void {
    this.logged(`sighting ${sighting.id}`, () => {
      const key = `${sighting.id}:${sighting.personId ?? sighting.status}`;
      if (this.judgedSightings.has(key)) return;
      const person = sighting.personId !== null ? this.engine.people.get(sighting.personId) : null;
      this.raise({
        kind: 'sighting',
        final,
        status: sighting.status,
        personId: sighting.personId,
        personName: sighting.personName,
        category: person?.category ?? null,
        camera: sighting.cameraId ? this.camera(sighting.cameraId, sighting.cameraName) : null,
      });
      // A still-unknown live track is judged again when it ends.
      if (sighting.status === 'unknown' && !final) return;
      if (this.judgedSightings.size >= MAX_REMEMBERED_SIGHTINGS) this.judgedSightings.clear();
      this.judgedSightings.add(key);
    });
  }

  /** Called after a visit or merge has committed: a failed alert must not turn it into an error. */
  onUnknownVisit(outcome: VisitOutcome, cameraId: number | null, cameraName: string | null): void {
    this.logged(`unknown person #${outcome.clusterId}`, () => this.raise({ kind: 'unknown_appearance', ...outcome, camera: this.camera(cameraId, cameraName) }));
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

  list(limit: number, unacknowledgedOnly: boolean): Alert[] {
    return this.repo.list(limit, unacknowledgedOnly);
  }

  acknowledge(id: number, operator: string, note: string | undefined): Alert {
    const existing = this.repo.get(id);
    if (!existing) throw new VigilError('NOT_FOUND', `No alert with id ${id}`);
    if (existing.acknowledgedAt) {
      throw new VigilError('CONFLICT', `This alert was already acknowledged by ${existing.acknowledgedBy ?? 'someone'} at ${existing.acknowledgedAt}`);
    }
    const alert = this.repo.acknowledge(id, operator, note?.trim() || null)!;
    this.engine.emit('alerts.changed', alert);
    return alert;
  }
}
