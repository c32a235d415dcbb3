/**
 * Editing a camera in place (cameras.update): which hosts a camera's sealed login may be sent to,
 * and what an edit changed, in words fit for the audit trail. Pure: no I/O.
 */
import type { CameraSource } from '../../../src-preload/contract.js';

// The login's hosts are computed where the console's edit form can use them too.
export { credentialHosts, hostsOutsideLogin } from '../../../src-preload/contract.js';

/** A value of a changed field as the audit trail keeps it (never a password or user name). */
export type AuditedValue = string | number | boolean | null;
export type CameraFieldChanges = Record<string, { from: AuditedValue; to: AuditedValue }>;

/** The state of a camera an edit can change. */
export interface EditableCamera {
  name: string;
  source: CameraSource;
  detectFps: number;
}

/**
 * A URL as the audit trail keeps it: scheme, host, port and path. The query and fragment are left
 * out (some cameras take an access token there); stored URLs carry no user information anyway.
 */
export function auditedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a valid URL)';
  }
}

/** A file path as the audit trail keeps it: the file's name only (folders may name people or places). */
function auditedPath(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function sourceFields(source: CameraSource): Record<string, AuditedValue> {
  switch (source.kind) {
    case 'file':
      return { kind: source.kind, file: auditedPath(source.path), loop: source.loop };
    case 'webcam':
      return { kind: source.kind, device: source.device };
    case 'rtsp':
      return { kind: source.kind, url: auditedUrl(source.url), subStreamUrl: source.subStreamUrl === undefined ? null : auditedUrl(source.subStreamUrl) };
    case 'http':
      return {
        kind: source.kind,
        url: auditedUrl(source.url),
        subStreamUrl: source.subStreamUrl === undefined ? null : auditedUrl(source.subStreamUrl),
        format: source.format ?? 'mjpeg',
      };
  }
}

/**
 * The fields an edit changed, each with its old and new value as the audit trail keeps them
 * (see auditedUrl): empty when nothing changed. A field a source kind does not have reads null.
 */
export function cameraFieldChanges(before: EditableCamera, after: EditableCamera): CameraFieldChanges {
  const changes: CameraFieldChanges = {};
  if (before.name !== after.name) changes.name = { from: before.name, to: after.name };
  if (before.detectFps !== after.detectFps) changes.detectFps = { from: before.detectFps, to: after.detectFps };
  const from = sourceFields(before.source);
  const to = sourceFields(after.source);
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    const a = from[key] ?? null;
    const b = to[key] ?? null;
    if (a !== b) changes[key === 'kind' ? 'sourceKind' : key] = { from: a, to: b };
  }
  // The same audited form can hide a real change (a query string): still say the URL changed.
  if (Object.keys(changes).every((k) => k === 'name' || k === 'detectFps') && JSON.stringify(before.source) !== JSON.stringify(after.source)) {
    changes.source = { from: '(changed in a part not recorded)', to: '(changed in a part not recorded)' };
  }
  return changes;
}
