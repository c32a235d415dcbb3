/**
 * Which alerts an event raises (pure: the alert service feeds events and
 * stores what this returns). Rules:
 *   new_unknown        (low)    a stranger's first visit
 *   recurring_unknown  (medium) a stranger's count of visits reaches N (N = recurringAfter), by a visit or a merge
 *   blocklisted_seen   (high)   a blocklisted person on any camera
 *   restricted_area    (high)   anyone but an employee at a restricted camera: a named
 *                               non-employee at once, a face nobody was named on only when
 *                               its track ends unknown (an employee's poor first frames are
 *                               "unknown" until recognised)
 *   camera_offline     (medium) a camera goes from working to failed/reconnecting
 */
import type { AlertPriority, AlertRule, CameraState, FaceStatus, Person } from '../../../src-preload/contract.js';

export interface AlertPolicy {
  /** Visits after which a stranger counts as recurring (the alert fires once, on that visit). */
  recurringAfter: number;
}

export const DEFAULT_RECURRING_AFTER = 3;

export interface CameraRef {
  id: number | null;
  name: string;
  restricted: boolean;
}

export type AlertEvent =
  | { kind: 'unknown_appearance'; clusterId: number; created: boolean; appearances: number; previousAppearances: number; camera: CameraRef | null }
  | {
      kind: 'sighting';
      /** The track has ended: its status will not change any more. */
      final: boolean;
      status: FaceStatus;
      personId: number | null;
      personName: string | null;
      category: Person['category'] | null;
      camera: CameraRef | null;
    }
  | { kind: 'camera_state'; camera: CameraRef; previous: CameraState | null; state: CameraState; lastError: string | null };

export interface AlertDraft {
  rule: AlertRule;
  priority: AlertPriority;
  cameraId: number | null;
  cameraName: string | null;
  clusterId: number | null;
  personId: number | null;
  message: string;
}

const offline = (state: CameraState | null) => state === 'failed' || state === 'reconnecting';
const where = (camera: CameraRef | null) => (camera ? ` at ${camera.name}` : '');

export function alertsFor(event: AlertEvent, policy: AlertPolicy): AlertDraft[] {
  const base = (camera: CameraRef | null) => ({ cameraId: camera?.id ?? null, cameraName: camera?.name ?? null });
  switch (event.kind) {
    case 'unknown_appearance': {
      const { clusterId, camera } = event;
      if (event.created) {
        return [{ rule: 'new_unknown', priority: 'low', ...base(camera), clusterId, personId: null, message: `New unknown person #${clusterId} seen${where(camera)}` }];
      }
      // Crossing, not equality: a merge can jump over N (2 + 2 visits with N = 3).
      if (event.previousAppearances < policy.recurringAfter && event.appearances >= policy.recurringAfter) {
        return [
          {
            rule: 'recurring_unknown',
            priority: 'medium',
            ...base(camera),
            clusterId,
            personId: null,
            message: `Unknown person #${clusterId} has been seen ${event.appearances} times (latest${where(camera) || ' visit'})`,
          },
        ];
      }
      return [];
    }
    case 'sighting': {
      const { camera, personId } = event;
      const name = event.personName ?? 'An unknown person';
      if (event.status === 'blocked') {
        return [{ rule: 'blocklisted_seen', priority: 'high', ...base(camera), clusterId: null, personId, message: `Blocklisted person ${name} seen${where(camera)}` }];
      }
      // Restricted areas: only employees belong there (visitors and contractors are not authorised).
      // "Unknown" is only a verdict once the track has ended: until then it may be an employee not yet recognised.
      if (camera?.restricted && event.category !== 'employee' && (event.status !== 'unknown' || event.final)) {
        const who = event.status === 'unknown' ? 'An unknown person' : `${name} (${event.category ?? 'not authorised'})`;
        return [{ rule: 'restricted_area', priority: 'high', ...base(camera), clusterId: null, personId, message: `${who} at restricted camera ${camera.name}` }];
      }
      return [];
    }
    case 'camera_state': {
      if (!offline(event.state) || offline(event.previous)) return [];
      const reason = event.lastError ? `: ${event.lastError}` : '';
      return [
        {
          rule: 'camera_offline',
          priority: 'medium',
          ...base(event.camera),
          clusterId: null,
          personId: null,
          message: `Camera ${event.camera.name} is ${event.state === 'failed' ? 'offline' : 'reconnecting'}${reason}`,
        },
      ];
    }
  }
}
