/**
 * The one typed contract between the renderer and the engine.
 *
 * Every request/response channel and every pushed event is declared here with a
 * zod schema. The Electron main process, the preload bridge and the WebSocket
 * host (`npm run serve`) all derive their behaviour from this table, so a
 * channel cannot exist in one transport and not the other.
 *
 * This file must stay free of Node, Electron and DOM imports: it is shared by
 * all three runtimes.
 */
import { z } from 'zod';

/** Permissions a channel needs. Roles (issue: operators and roles) map to sets of these. */
export const permissions = [
  'system.read',
  'live.view',
  'people.read',
  'people.enroll',
  'people.manage',
  /** Save an enrollment even though the face already matches someone enrolled. */
  'people.override-duplicate',
  /** Subject-access export: everything stored about a person. */
  'people.export',
  /** Erase a person and every trace of their face data. */
  'people.erase',
  'cameras.read',
  'cameras.manage',
  'sightings.read',
  'unknowns.read',
  'unknowns.review',
  'alerts.read',
  'alerts.acknowledge',
  /** Read and export the audit trail (who did what). */
  'audit.read',
  /** Attendance records and the payroll export. */
  'attendance.read',
  /** Correct check-ins and check-outs, lock periods. */
  'attendance.manage',
  /** Switch alert rules on or off, set their priority and repeat window. */
  'alerts.configure',
  /** Put someone on the blocklist or take them off it (their category 'blocked'), nothing else of their record. */
  'people.blocklist',
  /** Operator accounts: add, change role, disable, reset passwords. */
  'operators.manage',
  /** Site settings (e.g. how long an idle console stays signed in). */
  'settings.manage',
  /** Search by face: a photo (or an unknown person's face) compared with everyone enrolled and every open unknown cluster; each search audited. */
  'people.search-face',
] as const;
export type Permission = (typeof permissions)[number];

// ---------- operators and roles ----------

export const roles = ['admin', 'security', 'hr', 'viewer'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * The one table of what each role may do. The dispatcher grants exactly these permissions to
 * a signed-in operator (read from the database on every call, so a role change applies at once).
 */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  /** Everything, operators and settings included. */
  admin: permissions,
  /** The guard: live view, events, alerts, reviewing unknown people and the blocklist. */
  security: [
    'system.read',
    'live.view',
    'cameras.read',
    'sightings.read',
    'alerts.read',
    'alerts.acknowledge',
    'unknowns.read',
    'unknowns.review',
    'people.read',
    'people.blocklist',
    'people.search-face',
  ],
  /** People's records: enroll, correct, export, erase. */
  hr: [
    'system.read',
    'people.read',
    'people.enroll',
    'people.manage',
    'people.override-duplicate',
    'people.export',
    'people.erase',
    'people.blocklist',
    'sightings.read',
    'attendance.read',
    'attendance.manage',
  ],
  /** Watches: live view and events. */
  viewer: ['system.read', 'live.view', 'cameras.read', 'sightings.read', 'alerts.read'],
};

/** Plain words for each role (the Operators tab, the README). */
export const roleWords: Record<Role, string> = {
  admin: 'Administrator: everything, including operators and settings',
  security: 'Security: live view, events, alerts, unknown people and the blocklist',
  hr: 'HR: people (enroll, correct, export, erase) and attendance (corrections, payroll export)',
  viewer: 'Viewer: live view and events',
};

export const operatorNameSchema = z
  .string()
  .trim()
  .min(2, 'a sign-in name has at least 2 characters')
  .max(40, 'a sign-in name has at most 40 characters')
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'a sign-in name is letters, digits and . _ @ - (no spaces)');
/** Checked for length only: a long passphrase beats rules about symbols. */
export const MIN_PASSWORD_LENGTH = 10;
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `a password has at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, 'a password has at most 200 characters');
/** The caller's own password, asked again before erasing, exporting face vectors or overriding a duplicate. */
export const reauthPasswordSchema = z.string().max(200).optional();

export const operatorSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  displayName: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  /** Set while the account is locked after failed sign-ins. */
  lockedUntil: z.string().nullable(),
});
export type Operator = z.infer<typeof operatorSchema>;

export const sessionStatusSchema = z.object({
  /** No operator exists yet: the site's admin account must be created first (session.setup). */
  setupNeeded: z.boolean(),
  /** Who this console is signed in as, or null. */
  operator: z
    .object({ name: z.string(), displayName: z.string(), role: roleSchema, permissions: z.array(z.enum(permissions)) })
    .nullable(),
  /** Minutes of inactivity after which the session ends and the console locks. */
  idleTimeoutMinutes: z.number(),
  /** Give this to session.resume after a reconnection (kept in memory only, never stored). */
  resumeToken: z.string().nullable(),
});
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

// ---------- shared value schemas ----------

export const bboxSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
});
export type BBox = z.infer<typeof bboxSchema>;

export const pointSchema = z.tuple([z.number(), z.number()]);
export type Point = z.infer<typeof pointSchema>;

export const faceStatusSchema = z.enum(['member', 'unknown', 'blocked']);
export type FaceStatus = z.infer<typeof faceStatusSchema>;

export const liveFaceSchema = z.object({
  bbox: bboxSchema,
  landmarks: z.array(pointSchema),
  detScore: z.number(),
  trackId: z.number().int().nullable(),
  status: faceStatusSchema,
  personId: z.number().int().nullable(),
  personName: z.string().nullable(),
  /** Cosine similarity to the matched person (or the best candidate for unknowns). */
  score: z.number().nullable(),
});
export type LiveFace = z.infer<typeof liveFaceSchema>;

export const modelInfoSchema = z.object({
  id: z.string(),
  role: z.enum(['detector', 'embedder']),
  file: z.string(),
  licence: z.string(),
  installed: z.boolean(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

/**
 * Which matcher names people and, in the remote modes, how the remote side is doing (counters
 * since this engine started).
 */
export const matcherHealthSchema = z.object({
  /** local (nothing leaves the site), hybrid or rekognition. */
  mode: z.enum(['local', 'hybrid', 'rekognition']),
  /** Whether the remote service answered lately (null in local mode). */
  online: z.boolean().nullable(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
  lastSuccessAt: z.string().nullable(),
  /** Requests sent (retries included: each one is billed). */
  remoteCalls: z.number().int(),
  /** Track asks answered from the per-track cache. */
  cacheHits: z.number().int(),
  throttled: z.number().int(),
  /** Requests waiting for a token now. */
  queued: z.number().int(),
  dropped: z.number().int(),
  retries: z.number().int(),
  failures: z.number().int(),
  /** Enrollment jobs (index a face, delete a person's faces) waiting for the service. */
  jobsQueued: z.number().int(),
});
export type MatcherHealth = z.infer<typeof matcherHealthSchema>;

/**
 * AWS credentials for the remote face matcher entered in Settings (admin only). Stored encrypted
 * like camera passwords and never sent back: the console sees only awsCredentialsStateSchema.
 * AWS's own limits: a key id is 16-128 capital letters and digits (AKIA..., ASIA... for a
 * temporary one, which needs its session token).
 */
export const awsCredentialsSchema = z
  .object({
    accessKeyId: z
      .string()
      .trim()
      .regex(/^[A-Z0-9]{16,128}$/, 'an access key id is 16-128 capital letters and digits (e.g. AKIA...)'),
    secretAccessKey: z
      .string()
      .trim()
      .min(16, 'a secret access key has at least 16 characters')
      .max(128, 'a secret access key has at most 128 characters')
      .regex(/^\S+$/, 'a secret access key has no spaces'),
    sessionToken: z
      .string()
      .trim()
      .max(8192, 'a session token has at most 8192 characters')
      .regex(/^\S*$/, 'a session token has no spaces')
      .optional()
      .transform((token) => (token ? token : undefined)),
  })
  .strict();
export type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined };

/** What the console may know of the matcher's credentials: whether some are set, never the secret. */
export const awsCredentialsStateSchema = z.object({
  /** Credentials entered in Settings are stored (encrypted) and used; false: the standard AWS chain (environment, shared files, instance role). */
  set: z.boolean(),
  /** The last 4 characters of the stored access key id (to tell keys apart), null when none is set. */
  accessKeyIdEnding: z.string().nullable(),
  hasSessionToken: z.boolean(),
  /** Stored but unreadable (key lost, damaged): in plain words; the standard chain is used meanwhile. */
  problem: z.string().nullable(),
});
export type AwsCredentialsState = z.infer<typeof awsCredentialsStateSchema>;

/**
 * The site config's matcher choice as an administrator edits it in Settings (written to the data
 * folder's config.json; applies at the next start). The engine checks it again with the full
 * site-config schema (remote/matcher-config.ts): a remote mode needs a region and a collection.
 */
export const matcherChoiceSchema = z
  .object({
    mode: z.enum(['local', 'hybrid', 'rekognition'], { error: 'mode must be one of local, hybrid, rekognition' }),
    /** AWS region of the collection, e.g. eu-west-1 (required unless mode is local); empty or null: none. */
    region: z
      .string()
      .trim()
      .max(40)
      .nullable()
      .transform((v) => (v ? v : null)),
    /** Rekognition collection of the site (required unless mode is local); empty or null: none. */
    collectionId: z
      .string()
      .trim()
      .max(255)
      .nullable()
      .transform((v) => (v ? v : null)),
  })
  .strict();
export type MatcherChoice = z.output<typeof matcherChoiceSchema>;

export const matcherChoiceStateSchema = z.object({
  /** What config.json says now (the next start uses it). */
  saved: z.object({ mode: z.enum(['local', 'hybrid', 'rekognition']), region: z.string().nullable(), collectionId: z.string().nullable() }),
  /** What this engine runs with (changed only by a restart). */
  running: z.object({ mode: z.enum(['local', 'hybrid', 'rekognition']), region: z.string().nullable(), collectionId: z.string().nullable() }),
  /** Saved differs from running: a restart applies it. */
  restartNeeded: z.boolean(),
});
export type MatcherChoiceState = z.infer<typeof matcherChoiceStateSchema>;

export const systemStatusSchema = z.object({
  version: z.string(),
  dataDir: z.string(),
  modelsDir: z.string(),
  /** True when the configured detector and embedder are installed and verified. */
  modelsReady: z.boolean(),
  /** Human-readable reasons the model pack is not usable, empty when ready. */
  modelProblems: z.array(z.object({ code: z.string(), message: z.string() })),
  detectorId: z.string().nullable(),
  embedderId: z.string().nullable(),
  /** The ONNX Runtime execution provider actually running (e.g. "cpu"). */
  executionProvider: z.string().nullable(),
  /** Why it differs from the configured one (e.g. "cuda requested; running on cpu (…)"), else null. */
  executionProviderNote: z.string().nullable().optional(),
  models: z.array(modelInfoSchema),
  matchThreshold: z.number(),
  /** The ffmpeg that decodes cameras: its path, version, and a problem in plain words (missing, older than 5.1). */
  ffmpeg: z.object({ path: z.string().nullable(), version: z.string().nullable(), problem: z.string().nullable() }).optional(),
  /** Enrollment: a new face at or above this similarity to someone enrolled is refused as the same person. */
  duplicateThreshold: z.number().optional(),
  /** Version of the site's enrollment consent text, recorded with each person's consent. */
  consentTextVersion: z.string(),
  /** Who this console acts as and what they may do (the UI hides what is not allowed). */
  caller: z.object({ operator: z.string(), permissions: z.array(z.enum(permissions)) }).optional(),
  matcher: matcherHealthSchema.optional(),
});
export type SystemStatus = z.infer<typeof systemStatusSchema>;

export const personCategories = ['employee', 'contractor', 'visitor', 'blocked'] as const;
export const personCategorySchema = z.enum(personCategories);
export type PersonCategory = z.infer<typeof personCategorySchema>;
export const personStatusSchema = z.enum(['active', 'inactive']);
export type PersonStatus = z.infer<typeof personStatusSchema>;

export const consentSchema = z.object({
  /** When consent was recorded (ISO time). */
  at: z.string(),
  /** The operator who recorded it. */
  by: z.string(),
  /** Version of the consent text the person agreed to. */
  textVersion: z.string(),
});
export type Consent = z.infer<typeof consentSchema>;

export const personSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  employeeCode: z.string().nullable(),
  department: z.string().nullable(),
  category: personCategorySchema,
  status: personStatusSchema,
  notes: z.string().nullable(),
  consent: consentSchema.nullable(),
  templateCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Their face resembles someone else's (found at enrollment) and HR has not reviewed it yet. */
  resemblanceToReview: z.boolean(),
  /** When a camera last saw them (their latest sighting's end), null if never. */
  lastSeen: z.string().nullable(),
});
export type Person = z.infer<typeof personSchema>;

/**
 * A face close to someone enrolled, between the match threshold and the duplicate threshold:
 * enrolled, with this warning for HR (two different people who look alike, or the same person
 * from poor photos).
 */
export const resemblanceSchema = z.object({
  personId: z.number().int(),
  name: z.string(),
  /** Cosine similarity of the closest new face to the other person's centroid. */
  score: z.number(),
});
export type Resemblance = z.infer<typeof resemblanceSchema>;

/** A resemblance as kept on a person's record, seen from that person. */
export const resemblanceRecordSchema = resemblanceSchema.extend({
  /** 'enrolled-after': this person was enrolled resembling the other; 'enrolled-before': the other was enrolled resembling them. */
  direction: z.enum(['enrolled-after', 'enrolled-before']),
  foundAt: z.string(),
  reviewedAt: z.string().nullable(),
  reviewedBy: z.string().nullable(),
});
export type ResemblanceRecord = z.infer<typeof resemblanceRecordSchema>;

/** The editable part of a person's record (what HR types in). */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === undefined ? undefined : v === null || v === '' ? null : v));
export const personFieldsSchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(120),
  employeeCode: optionalText(40),
  department: optionalText(80),
  category: personCategorySchema.default('employee'),
  notes: optionalText(2000),
});
export type PersonFields = z.input<typeof personFieldsSchema>;

export const templateInfoSchema = z.object({
  id: z.number().int(),
  embedderId: z.string(),
  createdAt: z.string(),
  quality: z.number().nullable(),
  /** The photo's file name (the photo itself is never stored). */
  source: z.string().nullable(),
});
export type TemplateInfo = z.infer<typeof templateInfoSchema>;

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  operator: z.string(),
  action: z.string(),
  subjectKind: z.string(),
  subjectId: z.number().int().nullable(),
  subjectLabel: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const isoTime = z.string().max(40).refine((v) => !Number.isNaN(Date.parse(v)), 'a date or time such as 2026-12-04 or 2026-12-04T08:00:00Z');
/** Filters of the audit trail (the Audit tab and its export). */
export const auditQuerySchema = z.object({
  since: isoTime.optional(),
  until: isoTime.optional(),
  operator: z.string().trim().min(1).max(200).optional(),
  action: z.string().trim().min(1).max(100).optional(),
});
export type AuditQueryInput = z.input<typeof auditQuerySchema>;

const calendarDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const siteMinute = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d$/, 'a site time YYYY-MM-DDTHH:MM');
const dayRange = z
  .object({ from: calendarDay, to: calendarDay })
  .strict()
  .refine((r) => r.from <= r.to, { message: 'the first day must not be after the last' })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= 366 * 86_400_000, { message: 'at most a year at a time' });

const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');

/** A site month's occupancy, rolled up from its kept hourly snapshots. */
export const occupancyMonthSchema = z.object({
  month: z.string(),
  /** Days and hours with a snapshot. */
  days: z.number().int(),
  hours: z.number().int(),
  in: z.number().int(),
  out: z.number().int(),
  /** The most present at the end of an hour, and the first hour (site day and wall clock) it was reached. */
  peakPresent: z.number().int(),
  peakDay: z.string().nullable(),
  peakHour: z.string().nullable(),
  averageDailyPeak: z.number(),
});
export type OccupancyMonth = z.infer<typeof occupancyMonthSchema>;

/** Visits in a period by who was seen (rates: share of the total, 0..1, four decimals; 0 with no visits). */
export const accessSummarySchema = z.object({
  timeZone: z.string(),
  from: calendarDay,
  to: calendarDay,
  total: z.number().int(),
  members: z.number().int(),
  unknown: z.number().int(),
  blocked: z.number().int(),
  /** Visits at restricted cameras by anyone but an employee (strangers included). */
  unauthorised: z.number().int(),
  rates: z.object({ members: z.number(), unknown: z.number(), blocked: z.number(), unauthorised: z.number() }),
});
export type AccessSummaryResponse = z.infer<typeof accessSummarySchema>;

/** One person's attendance on one shift day (times ISO with the site's offset). */
export const attendanceRecordSchema = z.object({
  personId: z.number().int(),
  person: z.string(),
  date: z.string(),
  shift: z.string().nullable(),
  status: z.array(z.string()),
  checkIn: z.string().nullable(),
  checkOut: z.string().nullable(),
  lateMinutes: z.number().int(),
  earlyExitMinutes: z.number().int(),
  overtimeMinutes: z.number().int(),
  workedMinutes: z.number().int().nullable(),
  corrected: z.boolean(),
  correctionReason: z.string().nullable(),
  computedCheckIn: z.string().nullable(),
  computedCheckOut: z.string().nullable(),
  locked: z.boolean(),
});
export type AttendanceRecord = z.infer<typeof attendanceRecordSchema>;

// ---------- attendance set-up: shifts, who works which, camera directions ----------

/** Weekdays as the engine's rules name them (the same order as its WEEKDAYS). */
export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type WeekdayName = (typeof weekdays)[number];
export const cameraDirections = ['entry', 'exit', 'both', 'none'] as const;
export type CameraDirectionName = (typeof cameraDirections)[number];

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM (00:00 to 23:59)');
const shiftFields = {
  name: z.string().trim().min(1, 'a shift needs a name').max(80, 'a shift name has at most 80 characters'),
  /** Local (site) times; an end at or before the start ends the next day (a night shift). */
  start: clockTime,
  end: clockTime,
  days: z
    .array(z.enum(weekdays))
    .min(1, 'a shift works on at least one weekday')
    .max(7)
    .refine((d) => new Set(d).size === d.length, 'each weekday once'),
  /** Minutes after the start still on time. */
  graceMinutes: z.number().int('whole minutes').min(0, 'from 0 to 720 minutes').max(720, 'from 0 to 720 minutes'),
  /** Minutes before the end a check-out is not an early exit. */
  earlyExitMinutes: z.number().int('whole minutes').min(0, 'from 0 to 720 minutes').max(720, 'from 0 to 720 minutes'),
  /** An entry this soon after a counted check-in is not a new check-in (default 12 h). */
  doubleEntryWindowHours: z.number().min(0, 'from 0 to 48 hours').max(48, 'from 0 to 48 hours').optional(),
  /** Checked out this many minutes after the end or more: overtime, counted from the end (default 30). */
  overtimeAfterMinutes: z.number().int('whole minutes').min(0, 'from 0 to 1440 minutes').max(1440, 'from 0 to 1440 minutes').optional(),
};
const startNotEnd = { message: 'a shift cannot start and end at the same time', path: ['end'] };
/** A shift as the console sends it (added, or changed with its id). */
export const shiftInputSchema = z
  .object(shiftFields)
  .strict()
  .refine((s) => s.start !== s.end, startNotEnd);
export type ShiftInput = z.input<typeof shiftInputSchema>;

export const shiftSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  start: z.string(),
  end: z.string(),
  days: z.array(z.enum(weekdays)),
  graceMinutes: z.number().int(),
  earlyExitMinutes: z.number().int(),
  doubleEntryWindowHours: z.number(),
  overtimeAfterMinutes: z.number().int(),
  /** It ends the day after it starts. */
  overnight: z.boolean(),
  /** People with it as their own shift. */
  people: z.number().int(),
  /** Departments with it as their default. */
  departments: z.array(z.string()),
});
export type Shift = z.infer<typeof shiftSchema>;

/** Someone attendance is computed for (active employee or contractor): their own shift, else their department's. */
export const shiftAssignmentSchema = z.object({
  personId: z.number().int(),
  name: z.string(),
  employeeCode: z.string().nullable(),
  department: z.string().nullable(),
  shiftId: z.number().int().nullable(),
  shift: z.string().nullable(),
  departmentShiftId: z.number().int().nullable(),
  departmentShift: z.string().nullable(),
});
export type ShiftAssignment = z.infer<typeof shiftAssignmentSchema>;

export const departmentShiftSchema = z.object({
  department: z.string(),
  shiftId: z.number().int().nullable(),
  shift: z.string().nullable(),
  /** Active people in the department. */
  people: z.number().int(),
});
export type DepartmentShift = z.infer<typeof departmentShiftSchema>;

/** What saving a changed shift would judge again (past days are computed from the shift as it is). */
export const shiftImpactSchema = z.object({
  /** Active employees and contractors on it (their own shift, or their department's). */
  people: z.number().int(),
  /** Their past shift days from their first recorded passage, neither corrected nor locked: judged again. */
  days: z.number().int(),
  /** Past shift days HR corrected: their times stay, judged against the new hours. */
  correctedDays: z.number().int(),
  /** Past shift days in a locked period: kept as locked. */
  lockedDays: z.number().int(),
  /** The first of those days (null: nobody on it has a recorded passage). */
  since: z.string().nullable(),
});
export type ShiftImpact = z.infer<typeof shiftImpactSchema>;

/** One correction as HR made it (the latest of a field counts). */
export const attendanceCorrectionSchema = z.object({
  date: z.string(),
  field: z.enum(['check_in', 'check_out']),
  /** The corrected time, ISO with the site's offset; null: there was none. */
  time: z.string().nullable(),
  reason: z.string(),
  operator: z.string(),
  at: z.string(),
});
export type AttendanceCorrection = z.infer<typeof attendanceCorrectionSchema>;

export const cameraDirectionSchema = z.object({ id: z.number().int(), name: z.string(), direction: z.enum(cameraDirections) });
export type CameraDirectionRow = z.infer<typeof cameraDirectionSchema>;

export const auditVerificationSchema = z.object({
  entries: z.number().int(),
  ok: z.boolean(),
  /** The first entry whose link or content is wrong; null when the chain holds (or only its end was cut: see problem). */
  firstBadId: z.number().int().nullable(),
  problem: z.string().nullable(),
  /** The triggers that refuse UPDATE and DELETE on the trail are in place. */
  appendOnly: z.boolean(),
});
export type AuditVerification = z.infer<typeof auditVerificationSchema>;

// ---------- size limits (one set, so every path agrees; each refusal names the limit it hit) ----------

/** One photo's file, at most: a face never needs more (a 24-megapixel JPEG is 10-15 MB). CLI, folder import and console alike. */
export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;
export const MAX_PHOTO_MB = MAX_PHOTO_BYTES / 1024 / 1024;
/** The same photo as base64, as it travels in a request (4 characters per 3 bytes). */
export const MAX_PHOTO_BASE64_CHARS = Math.ceil(MAX_PHOTO_BYTES / 3) * 4;
/** Enough usable photos for a reliable enrollment; fewer needs `allowFewerPhotos`. */
export const RECOMMENDED_MIN_PHOTOS = 3;
/** Photos in one request (enroll, check, re-enroll). */
export const MAX_ENROLL_PHOTOS = 5;
/**
 * The largest request a client may send, in bytes of JSON: MAX_ENROLL_PHOTOS photos at their
 * limit, each with its file name (escaped), plus the person's record and the envelope. The
 * headless host's WebSocket frame cap is exactly this, so it never refuses a request the schemas
 * accept; a bigger message is refused (close code 1009) and the console says this limit was hit.
 */
export const MAX_REQUEST_BYTES = MAX_ENROLL_PHOTOS * (MAX_PHOTO_BASE64_CHARS + 4096) + 64 * 1024;
export const MAX_CAMERA_URL_CHARS = 2048;
export const MAX_VIDEO_PATH_CHARS = 4096;
export const MAX_WEBCAM_DEVICE_CHARS = 256;

export const photoInputSchema = z.object({
  fileName: z.string().min(1).max(260, 'a photo file name may be at most 260 characters'),
  /** The file's bytes, base64-encoded (so the same message travels over IPC and WebSocket). */
  dataBase64: z.string().min(1).max(MAX_PHOTO_BASE64_CHARS, `a photo may be at most ${MAX_PHOTO_MB} MB`),
});
export type PhotoInput = z.infer<typeof photoInputSchema>;

/** One check of a photo's quality verdict, in plain words ("the face is large enough"). */
export const photoCheckSchema = z.object({
  check: z.enum(['readable', 'one-face', 'size', 'sharpness', 'pose', 'exposure']),
  passed: z.boolean(),
  words: z.string(),
});
export type PhotoCheck = z.infer<typeof photoCheckSchema>;

export const photoOutcomeSchema = z.object({
  fileName: z.string(),
  used: z.boolean(),
  /** Why a photo was skipped, in plain words (absent when used). */
  reason: z.string().optional(),
  code: z.string().optional(),
  /** Each quality check as far as it got (a photo without a face has no pose check). */
  checks: z.array(photoCheckSchema).optional(),
});
export type PhotoOutcome = z.infer<typeof photoOutcomeSchema>;

const enrollPhotos = z
  .array(photoInputSchema)
  .min(1, 'add at least one photo')
  .max(MAX_ENROLL_PHOTOS, `at most ${MAX_ENROLL_PHOTOS} photos`);

export const enrollmentResultSchema = z.object({
  person: personSchema.nullable(),
  photos: z.array(photoOutcomeSchema),
  /** Set when the enrollment was saved although the face matched someone (override). */
  overriddenDuplicate: z.object({ personId: z.number().int(), name: z.string(), score: z.number() }).nullable().optional(),
  /** Saved with a warning: the face resembles this person (between the match and the duplicate threshold). */
  resembles: resemblanceSchema.nullable().optional(),
});
export type EnrollmentResult = z.infer<typeof enrollmentResultSchema>;

export const folderImportReportSchema = z.object({
  folder: z.string(),
  personsEnrolled: z.number().int(),
  personsWithoutUsablePhotos: z.array(z.string()),
  photosUsed: z.number().int(),
  photosSkipped: z.number().int(),
  persons: z.array(
    z.object({
      name: z.string(),
      personId: z.number().int().nullable(),
      photosUsed: z.number().int(),
      /** Why nobody was enrolled from this folder (absent when enrolled). */
      reason: z.string().optional(),
      code: z.string().optional(),
      /** Enrolled with a warning: the face resembles someone already enrolled (HR reviews it). */
      resembles: resemblanceSchema.optional(),
    }),
  ),
  /** Every file looked at: used, or skipped and why. */
  files: z.array(z.object({ file: z.string(), used: z.boolean(), code: z.string().optional(), reason: z.string().optional() })),
});
export type FolderImportReport = z.infer<typeof folderImportReportSchema>;

/**
 * Why a network camera URL is refused, or null: it must use one of `schemes` and name a host,
 * and hold nothing ffmpeg or a log could misread (spaces, control characters, backslashes).
 * ffmpeg-only URL forms (concat:, subfile:, file:, pipe:, ...) are refused here and, should one
 * get through, by ffmpeg's protocol whitelist for the source kind.
 */
export function networkUrlProblem(url: string, schemes: readonly string[]): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f\\]/.test(url)) return 'must not contain spaces, control characters or backslashes';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (!scheme || !schemes.includes(scheme) || !url.slice(scheme.length + 1).startsWith('//')) {
    return `must start with ${schemes.map((s) => `${s}://`).join(' or ')}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (!parsed.hostname) return 'needs a host name or address';
  return null;
}

const cameraUrlTooLong = `a camera URL may be at most ${MAX_CAMERA_URL_CHARS} characters`;
const networkUrl = (schemes: readonly string[]) =>
  z.string().max(MAX_CAMERA_URL_CHARS, cameraUrlTooLong).superRefine((url, ctx) => {
    const problem = networkUrlProblem(url, schemes);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const cameraSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rtsp'),
    url: networkUrl(['rtsp', 'rtsps']),
    /**
     * Optional second, smaller stream of the same camera (most IP cameras offer one) for the wall's
     * tiles; a maximised tile and the analysis use `url`. Validated like `url`; it is opened with
     * the camera's own user name and password (never stored in it).
     */
    subStreamUrl: networkUrl(['rtsp', 'rtsps']).optional(),
  }),
  z.object({
    kind: z.literal('http'),
    url: networkUrl(['http', 'https']),
    /** As for RTSP: a smaller stream for the tiles, in the same format as `url`. */
    subStreamUrl: networkUrl(['http', 'https']).optional(),
    /**
     * mjpeg (the default when absent): a multipart MJPEG stream (multipart/x-mixed-replace), read with that demuxer
     * only. auto: let ffmpeg probe the format (an HTTP stream of another kind; more parsers exposed).
     */
    format: z.enum(['mjpeg', 'auto']).optional(),
  }),
  z.object({
    kind: z.literal('file'),
    path: z.string().min(1).max(MAX_VIDEO_PATH_CHARS, `a video file path may be at most ${MAX_VIDEO_PATH_CHARS} characters`),
    loop: z.boolean().default(true),
  }),
  z.object({ kind: z.literal('webcam'), device: z.string().min(1).max(MAX_WEBCAM_DEVICE_CHARS, `a webcam device may be at most ${MAX_WEBCAM_DEVICE_CHARS} characters`) }),
]);
export type CameraSource = z.infer<typeof cameraSourceSchema>;

function urlHost(url: string): string | null {
  try {
    // Node and browsers parse the host of rtsp:// (non-special) URLs too; IPv6 keeps its brackets.
    const host = new URL(url).hostname.toLowerCase();
    return host === '' ? null : host;
  } catch {
    return null;
  }
}

/**
 * The hosts a network camera's login is sent to: its main URL's and its sub-stream's (ffmpeg
 * opens both with it). None for files and webcams. The port is not part of it: one device
 * serving RTSP on 554 and HTTP on 80 is still the device the login was given for.
 * Shared by the engine (cameras.update) and the console's edit form.
 */
export function credentialHosts(source: CameraSource): string[] {
  if (source.kind !== 'rtsp' && source.kind !== 'http') return [];
  const hosts = [urlHost(source.url), source.subStreamUrl === undefined ? null : urlHost(source.subStreamUrl)];
  return [...new Set(hosts.filter((h): h is string => h !== null))];
}

/**
 * The hosts of `next` that a login given for `previous` was never meant for: sending it there
 * would hand one device's password to another, so an edit to such a source must give a new login
 * or drop it. Empty: the login may be kept.
 */
export function hostsOutsideLogin(previous: CameraSource, next: CameraSource): string[] {
  const allowed = new Set(credentialHosts(previous));
  return credentialHosts(next).filter((host) => !allowed.has(host));
}

export const cameraStateSchema = z.enum(['stopped', 'starting', 'running', 'reconnecting', 'failed']);
export type CameraState = z.infer<typeof cameraStateSchema>;

export const cameraHealthSchema = z.object({
  state: cameraStateSchema,
  inputFps: z.number(),
  processedFps: z.number(),
  droppedFrames: z.number().int(),
  lastError: z.string().nullable(),
  latencyMs: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
});
export type CameraHealth = z.infer<typeof cameraHealthSchema>;

/** A camera's user name and password: the engine stores them encrypted and never sends them back. */
export const cameraCredentialsSchema = z
  .object({
    username: z.string().max(256),
    password: z.string().max(1024),
  })
  .strict();
export type CameraCredentials = z.infer<typeof cameraCredentialsSchema>;

export const cameraSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** A network camera's URL never carries its user name or password (they can be replaced, never read). */
  source: cameraSourceSchema,
  /** Whether a user name / password is stored (encrypted) for this camera. */
  hasCredentials: z.boolean(),
  enabled: z.boolean(),
  detectFps: z.number(),
  /** Restricted area: anyone but an employee seen here raises a high-priority alert. */
  restricted: z.boolean(),
  health: cameraHealthSchema,
});
export type Camera = z.infer<typeof cameraSchema>;

export const sightingSchema = z.object({
  id: z.number().int(),
  cameraId: z.number().int(),
  cameraName: z.string(),
  personId: z.number().int().nullable(),
  personName: z.string().nullable(),
  status: faceStatusSchema,
  firstSeen: z.string(),
  lastSeen: z.string(),
  bestScore: z.number().nullable(),
  frames: z.number().int(),
  /** The recurring-unknown cluster this visit joined (unknown visits, once the track ended). */
  clusterId: z.number().int().nullable(),
  /** Files only: seconds from the start of the video where the visit began and ended (null for live cameras). */
  videoStartS: z.number().nullable(),
  videoEndS: z.number().nullable(),
  /**
   * Who named the visit: the local gallery, or the remote matcher (Rekognition, when the site
   * switched it on; bestScore is then its similarity / 100). Null: unknown.
   */
  matchSource: z.enum(['local', 'remote']).nullable().optional(),
  /** This visit's face crop is kept (encrypted; an unknown visit whose crop is its cluster's snapshot): it can be searched by face. */
  hasSnapshot: z.boolean(),
});
export type Sighting = z.infer<typeof sightingSchema>;


export const clusterStatusSchema = z.enum(['open', 'identified', 'dismissed', 'merged']);

export const unknownClusterSchema = z.object({
  id: z.number().int(),
  status: clusterStatusSchema,
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** Visits (one per live track or photo), never frames. */
  appearances: z.number().int(),
  /** Names of the cameras that saw this person. */
  cameras: z.array(z.string()),
  hasSnapshot: z.boolean(),
  /** The kept faces (best quality first): "not the same person" splits one off. */
  faces: z.array(z.object({ id: z.number().int(), quality: z.number(), seenAt: z.string(), cameraName: z.string().nullable() })),
  /** The person it became (identified clusters). */
  personId: z.number().int().nullable(),
});
export type UnknownCluster = z.infer<typeof unknownClusterSchema>;

export const snapshotSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('available'), dataUrl: z.string().startsWith('data:image/jpeg;base64,') }),
  /** The file exists but cannot be shown (damaged, tampered with, key lost): why, in plain words. */
  z.object({ state: z.literal('unavailable'), reason: z.string() }),
  /** No snapshot (purged by retention, or none was good enough). */
  z.object({ state: z.literal('none') }),
]);
export type Snapshot = z.infer<typeof snapshotSchema>;

export const alertRuleSchema = z.enum(['new_unknown', 'recurring_unknown', 'blocklisted_seen', 'restricted_area', 'camera_offline']);
export type AlertRule = z.infer<typeof alertRuleSchema>;
export const alertPrioritySchema = z.enum(['low', 'medium', 'high']);
export type AlertPriority = z.infer<typeof alertPrioritySchema>;

export const alertSchema = z.object({
  id: z.number().int(),
  rule: alertRuleSchema,
  priority: alertPrioritySchema,
  /** The camera of the latest repeat (a merged alert follows its subject from camera to camera). */
  cameraId: z.number().int().nullable(),
  cameraName: z.string().nullable(),
  clusterId: z.number().int().nullable(),
  personId: z.number().int().nullable(),
  /** The latest repeat's words. */
  message: z.string(),
  createdAt: z.string(),
  /** Times raised: repeats of the same rule for the same subject within the rule's window add to this alert. */
  count: z.number().int().min(1),
  /** When it was last raised (createdAt for an alert never repeated). */
  lastRaisedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  note: z.string().nullable(),
});
export type Alert = z.infer<typeof alertSchema>;

/** The longest repeat window a rule may have (a day); 0 means every repeat is an alert of its own. */
export const MAX_ALERT_REPEAT_WINDOW_MINUTES = 24 * 60;

/** One rule's setting: on or off, its priority, and the window within which repeats merge into one alert. */
export const alertRuleSettingSchema = z
  .object({
    enabled: z.boolean({ error: 'on or off must be chosen' }),
    priority: alertPrioritySchema,
    repeatWindowMinutes: z
      .number({ error: 'the repeat window must be a number of minutes' })
      .int('the repeat window must be a whole number of minutes')
      .min(0, 'the repeat window cannot be negative (0 means every repeat is a new alert)')
      .max(MAX_ALERT_REPEAT_WINDOW_MINUTES, `the repeat window may be at most ${MAX_ALERT_REPEAT_WINDOW_MINUTES} minutes (a day)`),
  })
  .strict();
export type AlertRuleSetting = z.infer<typeof alertRuleSettingSchema>;

/** Every rule's setting (the site's alert rules, kept in its database). */
export const alertRuleSettingsSchema = z
  .object({
    new_unknown: alertRuleSettingSchema,
    recurring_unknown: alertRuleSettingSchema,
    blocklisted_seen: alertRuleSettingSchema,
    restricted_area: alertRuleSettingSchema,
    camera_offline: alertRuleSettingSchema,
  })
  .strict();
export type AlertRuleSettings = z.infer<typeof alertRuleSettingsSchema>;

/** The rules as set, with the defaults beside them (the settings page shows both). */
export const alertRulesStateSchema = z.object({ rules: alertRuleSettingsSchema, defaults: alertRuleSettingsSchema });
export type AlertRulesState = z.infer<typeof alertRulesStateSchema>;

/** What an `alerts.changed` event says happened, and the face it is about when there is one. */
export const alertChangeSchema = alertSchema.extend({
  change: z.enum(['raised', 'repeated', 'acknowledged']),
  /** A small JPEG of the face, base64, in memory only (never stored): sent with a raised or repeated alert when the engine has one. */
  faceJpegBase64: z.string().max(256 * 1024).optional(),
});
export type AlertChange = z.infer<typeof alertChangeSchema>;

/** Subject-access export: everything Vigil stores about one person. */
export const personExportSchema = z.object({
  exportedAt: z.string(),
  exportedBy: z.string(),
  person: personSchema,
  templates: z.array(templateInfoSchema.extend({ dimension: z.number().int(), embedding: z.array(z.number()).optional() })),
  /** Their sightings, including those from before they were named (as a recurring unknown). */
  sightings: z.array(sightingSchema),
  /** Recurring-unknown clusters that were named as this person (visits, cameras; no faces are kept after naming). */
  unknownClusters: z.array(unknownClusterSchema),
  /** Alerts about this person (e.g. blocklisted person seen). */
  alerts: z.array(alertSchema),
  audit: z.array(auditEntrySchema),
  /**
   * Faces of this person held in the site's remote collection (AWS Rekognition, when the site
   * switched it on): their face ids, crops still waiting to be indexed, and whether a deletion is queued.
   */
  remoteFaces: z
    .object({
      faces: z.array(z.object({ faceId: z.string(), collection: z.string(), indexedAt: z.string() })),
      pendingIndex: z.number().int(),
      pendingDelete: z.boolean(),
    })
    .optional(),
});
export type PersonExport = z.infer<typeof personExportSchema>;

// ---------- finding a person ----------

/** Who a last-seen answer is about: an enrolled person, or an unknown person (a cluster, by its number). */
export const lastSeenSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('member'), personId: z.number().int(), name: z.string(), employeeCode: z.string().nullable(), status: personStatusSchema }),
  z.object({ kind: z.literal('unknown'), clusterId: z.number().int(), status: clusterStatusSchema, personId: z.number().int().nullable() }),
]);
export type LastSeenSubject = z.infer<typeof lastSeenSubjectSchema>;

/** Time range (ISO 8601; sightings overlapping it) and cameras (names; none: all) a search keeps. */
const searchFilterFields = {
  since: z.string().trim().max(40).optional(),
  until: z.string().trim().max(40).optional(),
  cameras: z.array(z.string().trim().min(1).max(80)).max(100).optional(),
};

export const faceSearchMatchSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('member'),
    personId: z.number().int(),
    name: z.string(),
    category: personCategorySchema,
    score: z.number(),
    sightings: z.array(sightingSchema),
  }),
  z.object({ kind: z.literal('unknown'), clusterId: z.number().int(), score: z.number(), sightings: z.array(sightingSchema) }),
]);
export type FaceSearchMatch = z.infer<typeof faceSearchMatchSchema>;

export const faceSearchResultSchema = z.object({
  /** The photo's faces, largest first (empty when the probe was an unknown person's kept face). */
  faces: z.array(z.object({ index: z.number().int(), bbox: bboxSchema, detScore: z.number(), quality: z.number() })),
  /** Which of `faces` was searched for (null for a cluster's face). */
  chosenFace: z.number().int().nullable(),
  /** Candidates below this similarity are not listed. */
  threshold: z.number(),
  /** Members and unknown people in one list, best first. */
  matches: z.array(faceSearchMatchSchema),
});
export type FaceSearchResult = z.infer<typeof faceSearchResultSchema>;

// ---------- request/response channels ----------

/**
 * Who may call a channel: a permission (a signed-in operator whose role grants it), 'signed-in'
 * (any signed-in operator: sign out, change one's own password) or 'anyone' (sign in, first-run
 * set-up, session status: the only channels open before signing in).
 */
export type ChannelAccess = Permission | 'signed-in' | 'anyone';

function channel<Req extends z.ZodType, Res extends z.ZodType>(def: {
  request: Req;
  response: Res;
  permission: ChannelAccess;
  description: string;
  /**
   * When the parsed request needs the caller's password again (its `password` field): erasure,
   * an export with face vectors, saving a face that matches someone enrolled.
   */
  reauth?: (request: z.output<Req>) => boolean;
}) {
  return def;
}

const empty = z.object({}).strict();
const idRequest = z.object({ id: z.number().int().positive() }).strict();

/** Visit retention (site setting) and the last purge's figures. */
export const visitRetentionState = z.object({
  days: z.number().int().nullable(),
  defaultDays: z.number().int(),
  lastPurge: z
    .object({ at: z.string(), deleted: z.number().int(), heldForLock: z.number().int(), heldForOccupancy: z.number().int(), message: z.string().nullable() })
    .nullable(),
});
export type VisitRetentionState = z.infer<typeof visitRetentionState>;

export const channels = {
  'system.status': channel({
    request: empty,
    response: systemStatusSchema,
    permission: 'system.read',
    description: 'Version, model pack state and the execution provider that runs.',
  }),
  'people.list': channel({
    request: z
      .object({
        search: z.string().max(200).optional(),
        category: personCategorySchema.optional(),
        status: personStatusSchema.optional(),
        department: z.string().max(80).optional(),
      })
      .strict(),
    response: z.array(personSchema),
    permission: 'people.read',
    description: 'Enrolled people (search by name or employee code; filter by category, status, department).',
  }),
  'people.get': channel({
    request: idRequest,
    response: z.object({ person: personSchema, templates: z.array(templateInfoSchema), resemblances: z.array(resemblanceRecordSchema) }),
    permission: 'people.read',
    description: "One person's record with their templates (dates and quality, never the vectors) and resemblance warnings.",
  }),
  'people.reviewResemblance': channel({
    request: z.object({ id: z.number().int().positive(), otherId: z.number().int().positive() }).strict(),
    response: z.object({ person: personSchema, resemblances: z.array(resemblanceRecordSchema) }),
    permission: 'people.manage',
    description: 'HR checked a resemblance warning (two different people who look alike): recorded with the operator and time.',
  }),
  'people.update': channel({
    request: z
      .object({
        id: z.number().int().positive(),
        name: z.string().trim().min(1, 'a name is required').max(120).optional(),
        employeeCode: personFieldsSchema.shape.employeeCode,
        department: personFieldsSchema.shape.department,
        category: personCategorySchema.optional(),
        notes: personFieldsSchema.shape.notes,
      })
      .strict(),
    response: personSchema,
    permission: 'people.manage',
    description: "Correct a person's record (fields left out stay as they are).",
  }),
  'people.setStatus': channel({
    request: z.object({ id: z.number().int().positive(), status: personStatusSchema }).strict(),
    response: personSchema,
    permission: 'people.manage',
    description: 'Deactivate (no longer matched on cameras) or reactivate a person.',
  }),
  'people.checkPhotos': channel({
    request: z.object({ photos: enrollPhotos }).strict(),
    response: z.object({ photos: z.array(photoOutcomeSchema) }),
    permission: 'people.enroll',
    description: 'Quality verdict per photo in plain words, before anything is saved.',
  }),
  'people.enroll': channel({
    request: z
      .object({
        record: personFieldsSchema,
        consent: z.object({
          confirmed: z.literal(true, { error: 'the person’s consent must be confirmed' }),
          textVersion: z.string().trim().min(1, 'the consent text version is required').max(40),
        }),
        photos: enrollPhotos,
        /** Save with fewer than RECOMMENDED_MIN_PHOTOS usable photos. */
        allowFewerPhotos: z.boolean().default(false),
        /** Save although the face matches someone enrolled (needs people.override-duplicate and the password again). */
        overrideDuplicate: z.boolean().default(false),
        password: reauthPasswordSchema,
      })
      .strict(),
    response: enrollmentResultSchema,
    permission: 'people.enroll',
    reauth: (r) => r.overrideDuplicate,
    description:
      'Enroll a person from 3-5 photos (fewer with allowFewerPhotos); each usable photo becomes an embedding, never stored as an image. One transaction.',
  }),
  'people.addTemplates': channel({
    request: z
      .object({ id: z.number().int().positive(), photos: enrollPhotos, overrideDuplicate: z.boolean().default(false), password: reauthPasswordSchema })
      .strict(),
    response: enrollmentResultSchema,
    permission: 'people.enroll',
    reauth: (r) => r.overrideDuplicate,
    description: "Re-enroll: add templates from new photos to a person's existing ones.",
  }),
  'people.replaceTemplates': channel({
    request: z
      .object({
        id: z.number().int().positive(),
        photos: enrollPhotos,
        allowFewerPhotos: z.boolean().default(false),
        overrideDuplicate: z.boolean().default(false),
        password: reauthPasswordSchema,
      })
      .strict(),
    response: enrollmentResultSchema,
    permission: 'people.enroll',
    reauth: (r) => r.overrideDuplicate,
    description: "Re-enroll: replace all of a person's templates with ones from new photos (the old vectors are erased).",
  }),
  'people.importFolder': channel({
    request: z
      .object({
        folder: z.string().trim().min(1, 'a folder is required').max(1000),
        minPhotos: z.number().int().min(1).max(MAX_ENROLL_PHOTOS).default(1),
        /** The operator confirms, for the whole batch, that everyone in it consented to this version of the consent text. */
        consent: z.object({
          confirmed: z.literal(true, { error: 'consent must be confirmed for everyone in the folder' }),
          textVersion: z.string().trim().min(1, 'the consent text version is required').max(40),
        }),
      })
      .strict(),
    response: folderImportReportSchema,
    permission: 'people.enroll',
    description:
      'Bulk import <folder>/<person name>/<photos> from a folder the site allows (importFolders), with consent confirmed for the batch; progress events and a per-file report (files that are not photos are counted, not named).',
  }),
  'people.export': channel({
    request: z.object({ id: z.number().int().positive(), includeEmbeddings: z.boolean().default(false), password: reauthPasswordSchema }).strict(),
    response: personExportSchema,
    permission: 'people.export',
    reauth: (r) => r.includeEmbeddings,
    description: 'Subject-access export: record, consent, templates (dates; vectors on request), sightings, audit entries.',
  }),
  'people.erase': channel({
    request: z.object({ id: z.number().int().positive(), password: reauthPasswordSchema }).strict(),
    response: z.object({
      erased: z.literal(true),
      name: z.string(),
      /**
       * The person's faces in the remote collection: 'not-used' (none were ever sent), 'deleted',
       * or 'pending' (queued: the service could not be reached or refused; retried until done).
       */
      remoteDeletion: z.enum(['not-used', 'deleted', 'pending']).optional(),
    }),
    permission: 'people.erase',
    reauth: () => true,
    description:
      'Erase a person, their templates and sightings; no longer matched at once; resolves when their vectors are overwritten in the index file and the database is vacuumed (off the event loop).',
  }),
  'cameras.list': channel({
    request: empty,
    response: z.array(cameraSchema),
    permission: 'cameras.read',
    description: 'Configured cameras with live health.',
  }),
  'cameras.add': channel({
    request: z
      .object({
        name: z.string().trim().min(1, 'a camera name is required').max(80),
        source: cameraSourceSchema,
        /** User name and password of a network camera (or put them in the URL: they are taken out of it). */
        credentials: cameraCredentialsSchema.optional(),
        detectFps: z.number().min(0.5).max(30).optional(),
        start: z.boolean().default(true),
      })
      .strict(),
    response: cameraSchema,
    permission: 'cameras.manage',
    description: 'Add a camera (RTSP, HTTP MJPEG, a video file played as a camera, or a webcam).',
  }),
  'cameras.update': channel({
    request: z
      .object({
        id: z.number().int().positive(),
        name: z.string().trim().min(1, 'a camera name is required').max(80).optional(),
        /** The whole new source (its sub-stream URL included: absent means none), validated as in cameras.add. */
        source: cameraSourceSchema.optional(),
        /** Only the sub-stream URL of a network camera (null: none); applied after `source`. */
        subStreamUrl: networkUrl(['rtsp', 'rtsps', 'http', 'https']).nullable().optional(),
        /**
         * A new login (or in the URL, as in cameras.add); null: none. Absent: the stored one is kept,
         * unless the new source points at another host (then this must be given).
         */
        credentials: cameraCredentialsSchema.nullable().optional(),
        detectFps: z.number().min(0.5).max(30).optional(),
      })
      .strict(),
    response: cameraSchema,
    permission: 'cameras.manage',
    description:
      "Edit a camera in place (name, source, sub-stream, detection FPS, login): it keeps its id, sightings, restricted flag and attendance direction; a running camera restarts on the new source. Audited without secrets.",
  }),
  'cameras.setCredentials': channel({
    request: z.object({ id: z.number().int().positive(), credentials: cameraCredentialsSchema.nullable() }).strict(),
    response: cameraSchema,
    permission: 'cameras.manage',
    description: "Replace (or clear, with null) a network camera's user name and password; they are stored encrypted and never sent back.",
  }),
  'cameras.remove': channel({
    request: idRequest,
    response: z.object({ removed: z.boolean() }),
    permission: 'cameras.manage',
    description: 'Stop and remove a camera; its sightings stay.',
  }),
  'cameras.start': channel({
    request: idRequest,
    response: cameraSchema,
    permission: 'cameras.manage',
    description: 'Start decoding and recognising a camera.',
  }),
  'cameras.stop': channel({
    request: idRequest,
    response: cameraSchema,
    permission: 'cameras.manage',
    description: 'Stop a camera.',
  }),
  'sightings.list': channel({
    request: z
      .object({
        limit: z.number().int().min(1).max(1000).default(100),
        personId: z.number().int().optional(),
      })
      .strict(),
    response: z.array(sightingSchema),
    permission: 'sightings.read',
    description: 'Most recent sightings first (one row per visit, not per frame).',
  }),
  'sightings.lastSeen': channel({
    request: z
      .object({
        /** A name or employee code (exact or part of it), a person's id, or #<number> for an unknown person. */
        query: z.string().trim().min(1, 'type a name, an employee code or an unknown person\'s #number').max(200),
        limit: z.number().int().min(1).max(500).default(20),
        ...searchFilterFields,
      })
      .strict(),
    response: z.object({ subjects: z.array(z.object({ subject: lastSeenSubjectSchema, sightings: z.array(sightingSchema) })) }),
    permission: 'sightings.read',
    description: 'When was X last seen: the people (at most 10) or the unknown person the query names, each with their sightings newest first.',
  }),
  'search.face': channel({
    request: z
      .object({
        source: z.discriminatedUnion('kind', [
          /** A photo (police photo, a still): used in memory for this call only, never stored. */
          z.object({ kind: z.literal('photo'), photo: photoInputSchema, faceIndex: z.number().int().min(0).max(999).optional() }),
          /** A kept face of an unknown person (their own cluster is left out of the answer). */
          z.object({ kind: z.literal('clusterFace'), faceId: z.number().int().positive() }),
          /** A sighting's kept snapshot: decrypted in memory for this call only, never stored again (its own cluster is left out). */
          z.object({ kind: z.literal('sightingSnapshot'), sightingId: z.number().int().positive(), faceIndex: z.number().int().min(0).max(999).optional() }),
        ]),
        minScore: z.number().min(-1).max(1).optional(),
        limit: z.number().int().min(1).max(100).default(20),
        sightingsPerMatch: z.number().int().min(1).max(100).default(10),
        ...searchFilterFields,
      })
      .strict(),
    response: faceSearchResultSchema,
    permission: 'people.search-face',
    description:
      'Search by face: members and open unknown clusters at or above the threshold (default: the match threshold), best first, each with their sightings. Audited (who, faces, results); the photo and its embedding are never stored.',
  }),
  'cameras.setRestricted': channel({
    request: z.object({ id: z.number().int().positive(), restricted: z.boolean() }).strict(),
    response: cameraSchema,
    permission: 'cameras.manage',
    description: 'Mark a camera as watching a restricted area (alerts for anyone but employees).',
  }),
  'unknowns.list': channel({
    request: z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    response: z.object({
      clusters: z.array(unknownClusterSchema),
      /** Why snapshots cannot be shown or saved (e.g. the key is lost), else null. */
      snapshotsProblem: z.string().nullable(),
    }),
    permission: 'unknowns.read',
    description: 'The review queue: open recurring-unknown clusters, most recently seen first.',
  }),
  'unknowns.snapshot': channel({
    request: idRequest,
    response: snapshotSchema,
    permission: 'unknowns.read',
    description: 'The decrypted best face crop of a cluster, as a data URL (never written to disk unencrypted).',
  }),
  'unknowns.identify': channel({
    request: z
      .object({
        id: z.number().int().positive(),
        /** visitor: a named visitor; member: an employee/contractor; blocked: added to the blocklist. */
        as: z.enum(['visitor', 'member', 'blocked']),
        name: z.string().trim().min(1).max(120).optional(),
        /** Add the faces to this existing person instead of creating one. */
        personId: z.number().int().positive().optional(),
        category: z.enum(['employee', 'contractor']).default('employee'),
      })
      .strict()
      .refine((r) => r.name !== undefined || r.personId !== undefined, { message: 'a name or an existing person is required', path: ['name'] }),
    response: z.object({ person: personSchema, templatesAdded: z.number().int() }),
    permission: 'unknowns.review',
    description: "Turn a cluster into a person: its kept faces become the person's templates; its snapshot is deleted.",
  }),
  'unknowns.merge': channel({
    request: z.object({ targetId: z.number().int().positive(), sourceId: z.number().int().positive() }).strict(),
    response: unknownClusterSchema,
    permission: 'unknowns.review',
    description: 'Merge the source cluster into the target (same person seen as two).',
  }),
  'unknowns.split': channel({
    request: z.object({ id: z.number().int().positive(), faceId: z.number().int().positive() }).strict(),
    response: z.object({ cluster: unknownClusterSchema, splitOff: unknownClusterSchema }),
    permission: 'unknowns.review',
    description: 'Not the same person: move one face (and its visit) out into a cluster of its own.',
  }),
  'unknowns.dismiss': channel({
    request: idRequest,
    response: z.object({ dismissed: z.boolean() }),
    permission: 'unknowns.review',
    description: 'Remove a cluster from the queue; its faces and snapshot are deleted.',
  }),
  'alerts.list': channel({
    request: z.object({ limit: z.number().int().min(1).max(1000).default(200), unacknowledgedOnly: z.boolean().default(false) }).strict(),
    response: z.array(alertSchema),
    permission: 'alerts.read',
    description: 'Alerts, newest first (the history includes acknowledged ones).',
  }),
  'alerts.acknowledge': channel({
    request: z.object({ id: z.number().int().positive(), note: z.string().trim().max(500).optional() }).strict(),
    response: alertSchema,
    permission: 'alerts.acknowledge',
    description: 'Acknowledge an alert, with an optional note; the operator is recorded.',
  }),
  'audit.list': channel({
    request: auditQuerySchema.extend({ limit: z.number().int().min(1).max(5000).default(200), beforeId: z.number().int().positive().optional() }).strict(),
    response: z.array(auditEntrySchema),
    permission: 'audit.read',
    description: 'Audit entries newest first, filtered by time, operator and action (an action family such as "person" matches person.*).',
  }),
  'audit.verify': channel({
    request: z.object({}).strict(),
    response: auditVerificationSchema,
    permission: 'audit.read',
    description: "Checks the trail's hash chain: every entry linked to the one before it, none edited, removed or moved.",
  }),
  'audit.exportCsv': channel({
    request: auditQuerySchema.extend({ limit: z.number().int().min(1).max(100_000).default(10_000) }).strict(),
    response: z.object({ csv: z.string(), entries: z.number().int() }),
    permission: 'audit.read',
    description: 'The filtered entries as CSV (the export itself is an audit entry).',
  }),
  'attendance.records': channel({
    request: dayRange,
    response: z.object({ timeZone: z.string(), records: z.array(attendanceRecordSchema) }),
    permission: 'attendance.read',
    description: 'Attendance per person per shift day in the site time zone, with corrections and locks.',
  }),
  'attendance.correct': channel({
    request: z
      .object({
        personId: z.number().int().positive(),
        date: calendarDay,
        field: z.enum(['check_in', 'check_out']),
        /** HH:MM on that day in site time; null: there was none. */
        time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM').nullable(),
        reason: z.string().trim().min(3, 'a reason of at least 3 characters').max(500),
      })
      .strict(),
    response: attendanceRecordSchema,
    permission: 'attendance.manage',
    description: 'Correct a check-in or check-out with a reason (the computed time stays visible; refused in a locked period).',
  }),
  'attendance.exportCsv': channel({
    request: dayRange,
    response: z.object({ csv: z.string(), rows: z.number().int() }),
    permission: 'attendance.read',
    description: 'Payroll CSV: one row per person-day (the export is an audit entry).',
  }),
  'attendance.lock': channel({
    request: dayRange,
    response: z.object({ locked: z.literal(true) }),
    permission: 'attendance.manage',
    description: 'Lock a period after export: corrections are refused from then on.',
  }),
  'attendance.personMonth': channel({
    request: z
      .object({
        personId: z.number().int().positive(),
        month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'),
      })
      .strict(),
    response: z.object({
      timeZone: z.string(),
      person: z.object({ id: z.number().int(), name: z.string(), employeeCode: z.string().nullable(), department: z.string().nullable() }),
      /** The month's day records (days without a shift day or a visit have none). */
      records: z.array(attendanceRecordSchema),
      corrections: z.array(attendanceCorrectionSchema),
    }),
    permission: 'attendance.read',
    description: "One person's month: a record per shift day (or day off with visits), and HR's corrections with their reasons.",
  }),
  'attendance.accessLog': channel({
    request: z
      .object({
        /** Site wall-clock times YYYY-MM-DDTHH:MM; the range is [from, to). */
        from: siteMinute,
        to: siteMinute,
        personId: z.number().int().positive().optional(),
        cameraId: z.number().int().positive().optional(),
        /** The direction the camera had when the visit was written. */
        direction: z.enum(cameraDirections).optional(),
        status: faceStatusSchema.optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    response: z.object({
      timeZone: z.string(),
      entries: z.array(
        z.object({
          id: z.number().int(),
          /** ISO with the site's offset. */
          at: z.string(),
          cameraId: z.number().int().nullable(),
          camera: z.string(),
          direction: z.enum(cameraDirections),
          personId: z.number().int().nullable(),
          person: z.string().nullable(),
          status: faceStatusSchema,
        }),
      ),
      /** More visits matched than `limit`: narrow the search. */
      truncated: z.boolean(),
    }),
    permission: 'attendance.read',
    description: 'The access log: visits (one per walk-by) in a time range, newest first, by person, camera, direction and status.',
  }),
  'attendance.occupancy': channel({
    request: z.object({ date: calendarDay.optional() }).strict(),
    response: z.object({
      timeZone: z.string(),
      date: z.string(),
      resetHour: z.number().int(),
      /** `kept`: read from the hour's final snapshot (it outlives the visits it was counted from); else computed now. */
      hours: z.array(z.object({ hour: z.string(), in: z.number().int(), out: z.number().int(), present: z.number().int(), kept: z.boolean() })),
      /** Now (whatever the date asked): everyone in since the last reset, and the known people inside. */
      inside: z.object({
        since: z.string(),
        present: z.number().int(),
        people: z.array(z.object({ personId: z.number().int(), name: z.string(), since: z.string(), camera: z.string() })),
      }),
    }),
    permission: 'attendance.read',
    description: 'Occupancy of the site: in, out and present per hour of a day (entry and exit cameras, reset nightly), and who is inside now.',
  }),
  'attendance.occupancyMonths': channel({
    request: z
      .object({
        /** YYYY-MM, both included; absent: from the first / to the last month kept. */
        from: yearMonth.optional(),
        to: yearMonth.optional(),
      })
      .strict(),
    response: z.object({ timeZone: z.string(), months: z.array(occupancyMonthSchema) }),
    permission: 'attendance.read',
    description: "The site's occupancy per month (in, out, peak present and when, average daily peak), rolled up from the hourly snapshots and kept after the visits expire.",
  }),
  'attendance.accessSummary': channel({
    request: dayRange,
    response: accessSummarySchema,
    permission: 'attendance.read',
    description: 'Visits in the site days [from, to]: total, known people, strangers, blocklisted and unauthorised (restricted cameras), with rates.',
  }),
  'attendance.exportXlsx': channel({
    request: dayRange,
    response: z.object({ xlsxBase64: z.string(), rows: z.number().int() }),
    permission: 'attendance.read',
    description: "Payroll XLSX: the payroll CSV's rows and columns in one sheet (the export is an audit entry).",
  }),
  'attendance.shifts.impact': channel({
    request: idRequest,
    response: shiftImpactSchema,
    permission: 'attendance.read',
    description: 'What changing a shift would judge again: its people and their past days (corrected and locked days counted apart).',
  }),
  'attendance.shifts.list': channel({
    request: empty,
    response: z.object({ shifts: z.array(shiftSchema), departments: z.array(departmentShiftSchema), people: z.array(shiftAssignmentSchema) }),
    permission: 'attendance.read',
    description: "Shifts, each department's default shift and every active employee's or contractor's own shift.",
  }),
  'attendance.shifts.save': channel({
    request: z
      .object({
        /** The shift to change; absent: a new shift. */
        id: z.number().int().positive().optional(),
        shift: shiftInputSchema,
      })
      .strict(),
    response: shiftSchema,
    permission: 'attendance.manage',
    description: 'Add a shift or change one (name, hours: overnight allowed, weekdays, grace, early-exit tolerance, double-entry window, overtime threshold). Audited.',
  }),
  'attendance.shifts.remove': channel({
    request: idRequest,
    response: z.object({ removed: z.literal(true), name: z.string(), unassignedPeople: z.number().int(), clearedDepartments: z.array(z.string()) }),
    permission: 'attendance.manage',
    description: "Remove a shift: people who had it fall back to their department's shift, departments that had it have none (as the CLI). Audited with what it undid.",
  }),
  'attendance.shifts.assign': channel({
    request: z.object({ personId: z.number().int().positive(), shiftId: z.number().int().positive().nullable() }).strict(),
    response: shiftAssignmentSchema,
    permission: 'attendance.manage',
    description: "A person's own shift (null: their department's default). Audited.",
  }),
  'attendance.shifts.setDepartment': channel({
    request: z
      .object({
        department: z.string().trim().min(1, 'a department name is required').max(120),
        shiftId: z.number().int().positive().nullable(),
      })
      .strict(),
    response: departmentShiftSchema,
    permission: 'attendance.manage',
    description: "A department's default shift (null: none), for its people without one of their own. Audited.",
  }),
  'attendance.cameras.list': channel({
    request: empty,
    response: z.array(cameraDirectionSchema),
    permission: 'attendance.read',
    description: 'Every camera with its attendance direction (entry, exit, both ways, or not counted).',
  }),
  'attendance.cameras.setDirection': channel({
    request: z.object({ id: z.number().int().positive(), direction: z.enum(cameraDirections) }).strict(),
    response: cameraDirectionSchema,
    permission: 'attendance.manage',
    description: "Where a camera counts for attendance; visits already written keep the direction they had. Audited.",
  }),
  'alerts.rules.get': channel({
    request: empty,
    response: alertRulesStateSchema,
    permission: 'alerts.read',
    description: 'The alert rules: each one on or off, its priority and repeat window, with the defaults.',
  }),
  'alerts.rules.set': channel({
    request: z.object({ rules: alertRuleSettingsSchema }).strict(),
    response: alertRulesStateSchema,
    permission: 'alerts.configure',
    description: 'Replace the alert rules (all of them at once); applies to the next alert raised. The change is audited.',
  }),
  'people.setBlocked': channel({
    request: z
      .object({
        id: z.number().int().positive(),
        blocked: z.boolean(),
        /** The category they return to when taken off the blocklist (default visitor). */
        category: z.enum(['employee', 'contractor', 'visitor']).default('visitor'),
      })
      .strict(),
    response: personSchema,
    permission: 'people.blocklist',
    description: "Put a person on the blocklist (category 'blocked') or take them off it; nothing else of their record changes.",
  }),
  'session.status': channel({
    request: empty,
    response: sessionStatusSchema,
    permission: 'anyone',
    description: 'Whether the site needs its first admin account, and who this console is signed in as.',
  }),
  'session.setup': channel({
    request: z.object({ name: operatorNameSchema, displayName: z.string().trim().min(1).max(80), password: passwordSchema }).strict(),
    response: sessionStatusSchema,
    permission: 'anyone',
    description: "First run only (no operator exists yet): create the site's admin account and sign in as it.",
  }),
  'session.login': channel({
    request: z.object({ name: z.string().trim().min(1).max(40), password: z.string().min(1).max(200) }).strict(),
    response: sessionStatusSchema,
    permission: 'anyone',
    description: 'Sign in. Five wrong passwords lock the account (1 minute, doubling, at most an hour); attempts are rate-limited per connection.',
  }),
  'session.resume': channel({
    request: z.object({ resumeToken: z.string().min(1).max(200) }).strict(),
    response: sessionStatusSchema,
    permission: 'anyone',
    description: 'After a reconnection: carry on in the session this token names, if it has not expired.',
  }),
  'session.logout': channel({
    request: empty,
    response: sessionStatusSchema,
    permission: 'anyone',
    description: 'Sign out (ends the session).',
  }),
  'session.changePassword': channel({
    request: z.object({ currentPassword: z.string().min(1).max(200), newPassword: passwordSchema }).strict(),
    response: z.object({ changed: z.literal(true) }),
    permission: 'signed-in',
    description: "Change one's own password (the current one is asked again).",
  }),
  'operators.list': channel({
    request: empty,
    response: z.array(operatorSchema),
    permission: 'operators.manage',
    description: 'Every operator account (never a password hash).',
  }),
  'operators.add': channel({
    request: z
      .object({ name: operatorNameSchema, displayName: z.string().trim().min(1).max(80), role: roleSchema, password: passwordSchema })
      .strict(),
    response: operatorSchema,
    permission: 'operators.manage',
    description: 'Add an operator account (sign-in names are unique whatever their case).',
  }),
  'operators.update': channel({
    request: z
      .object({
        id: z.number().int().positive(),
        displayName: z.string().trim().min(1).max(80).optional(),
        role: roleSchema.optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    response: operatorSchema,
    permission: 'operators.manage',
    description: 'Change an operator’s display name or role, disable or enable them (the last enabled admin cannot be disabled or demoted).',
  }),
  'operators.resetPassword': channel({
    request: z.object({ id: z.number().int().positive(), newPassword: passwordSchema }).strict(),
    response: operatorSchema,
    permission: 'operators.manage',
    description: "Set another operator's password (and unlock them); their sessions end.",
  }),
  'matcher.credentials.get': channel({
    request: empty,
    response: awsCredentialsStateSchema,
    permission: 'settings.manage',
    description: "Whether AWS credentials for the remote face matcher are set in Settings (only the key id's last 4 characters; never the secret).",
  }),
  'matcher.credentials.set': channel({
    request: z.object({ credentials: awsCredentialsSchema.nullable() }).strict(),
    response: awsCredentialsStateSchema,
    permission: 'settings.manage',
    description:
      'Store (encrypted) or clear (null) the AWS credentials the remote face matcher signs with; takes effect at once (no restart). Cleared: the standard AWS chain. Audited.',
  }),
  'matcher.config.get': channel({
    request: empty,
    response: matcherChoiceStateSchema,
    permission: 'settings.manage',
    description: "The site config's matcher (mode, region, collection): as saved in config.json and as running.",
  }),
  'matcher.config.set': channel({
    request: matcherChoiceSchema,
    response: matcherChoiceStateSchema,
    permission: 'settings.manage',
    description: "Change the site config's matcher (mode, region, collection) in config.json; applies when Vigil restarts. Checked like config.json; audited.",
  }),
  'settings.get': channel({
    request: empty,
    response: z.object({ idleTimeoutMinutes: z.number().int() }),
    permission: 'settings.manage',
    description: 'Site settings kept in the database.',
  }),
  'settings.update': channel({
    request: z.object({ idleTimeoutMinutes: z.number().int().min(1).max(24 * 60) }).strict(),
    response: z.object({ idleTimeoutMinutes: z.number().int() }),
    permission: 'settings.manage',
    description: 'Change how many idle minutes end a session and lock the console.',
  }),
  'settings.visitRetention.get': channel({
    request: empty,
    response: visitRetentionState,
    permission: 'settings.manage',
    description: 'How long visits (sightings) are kept, and what the last purge did (held back: waiting for a locked attendance period).',
  }),
  'settings.visitRetention.set': channel({
    request: z.object({ days: z.number().int().min(31).max(3650).nullable() }).strict(),
    response: visitRetentionState,
    permission: 'settings.manage',
    description: 'Change how many days visits are kept (null: for ever). Audited; the purge runs at once.',
  }),
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;

// ---------- pushed events (engine -> renderer) ----------

export const events = {
  /**
   * The faces found in one analysed frame, without its picture: the picture is the camera's video
   * (GET /video/<cameraId> on the host, vigil-video://camera/<cameraId> in the desktop app). ptsS is
   * that frame's presentation time in the video (null when ffmpeg gave none); width/height the
   * analysed frame's size, the coordinate space of the boxes.
   */
  'live.faces': z.object({
    cameraId: z.number().int(),
    frameSeq: z.number().int(),
    ptsS: z.number().nullable(),
    capturedAt: z.number(),
    width: z.number().int(),
    height: z.number().int(),
    faces: z.array(liveFaceSchema),
  }),
  /** A sighting was opened or updated. */
  'sightings.changed': sightingSchema,
  /** Camera health changed (state, fps, errors). */
  'cameras.health': z.object({ cameraId: z.number().int(), health: cameraHealthSchema }),
  /** Bulk import progress: one event per person folder done. */
  'people.importProgress': z.object({
    folder: z.string(),
    done: z.number().int(),
    total: z.number().int(),
    current: z.string(),
  }),
  /** Someone was enrolled, changed, deactivated or erased: lists should reload. */
  'people.changed': z.object({ personId: z.number().int(), change: z.enum(['enrolled', 'updated', 'status', 'templates', 'erased']) }),
  /** A cluster was created, seen again, changed by a review action or purged. */
  'unknowns.changed': z.object({ clusterId: z.number().int() }),
  /** An alert was raised, repeated (merged into the open one: count + 1) or acknowledged. */
  'alerts.changed': alertChangeSchema,
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventOf<E extends EventName> = z.output<Events[E]>;

/**
 * The desktop app's folder dialog for bulk import (Electron only; no WebSocket equivalent): the
 * main process opens the OS dialog for a signed-in operator with "people.enroll", lets that
 * session import from the chosen folder, and answers with its path, or null when cancelled.
 */
export const PICK_FOLDER_CHANNEL = 'vigil:pickFolder';
export const pickFolderResponseSchema = z.string().min(1).nullable();

export const eventPermissions: Record<EventName, Permission> = {
  'live.faces': 'live.view',
  'sightings.changed': 'sightings.read',
  'cameras.health': 'cameras.read',
  'people.importProgress': 'people.enroll',
  'people.changed': 'people.read',
  'unknowns.changed': 'unknowns.read',
  'alerts.changed': 'alerts.read',
};

// ---------- errors ----------

/** Error codes the UI knows how to explain. */
export const errorCodes = [
  'BAD_REQUEST',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'MODEL_MISSING',
  'MODEL_CORRUPT',
  'IMAGE_UNREADABLE',
  'NO_FACE',
  'IMAGE_TOO_LARGE',
  'DUPLICATE_FACE',
  'DUPLICATE_EMPLOYEE_CODE',
  'NOT_ENOUGH_PHOTOS',
  'CAMERA_UNREACHABLE',
  'SNAPSHOT_KEY_LOST',
  // Storage problems, in plain words (SQLite's text and file paths stay in the engine's log).
  'DATABASE_CORRUPT',
  'DATABASE_BUSY',
  'DISK_FULL',
  'STORAGE_ERROR',
  'DATA_FOLDER_IN_USE',
  'CREDENTIALS_UNAVAILABLE',
  'NOT_SIGNED_IN',
  'SESSION_EXPIRED',
  'LOGIN_FAILED',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'PASSWORD_REQUIRED',
  'RATE_LIMITED',
  'LAST_ADMIN',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const errorPayloadSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  /** ACCOUNT_LOCKED, RATE_LIMITED: when trying again may work (ISO time). */
  retryAt: z.string().optional(),
});
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;

/** What an invocation returns on any transport: a result or a typed error, never a thrown string. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/** The API the renderer sees (window.vigil in Electron, a WebSocket client in a browser). */
export interface VigilApi {
  invoke<C extends ChannelName>(name: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(name: E, listener: (event: EventOf<E>) => void): () => void;
}

/** Error thrown on the renderer side when an invocation fails: keeps the code for the UI. */
export class VigilApiError extends Error {
  readonly code: ErrorCode;
  readonly retryAt: string | undefined;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'VigilApiError';
    this.code = payload.code;
    this.retryAt = payload.retryAt;
  }
}

/** Plain-words explanation of each error code for people (the UI prefixes the message with it). */
export const errorExplanations: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The request was not valid',
  FORBIDDEN: 'You are not allowed to do this',
  NOT_FOUND: 'Not found',
  CONFLICT: 'This conflicts with existing data',
  MODEL_MISSING: 'A recognition model is not installed',
  MODEL_CORRUPT: 'A recognition model file is damaged',
  IMAGE_UNREADABLE: 'The image could not be read',
  NO_FACE: 'No face was found',
  IMAGE_TOO_LARGE: 'The image is too large',
  DUPLICATE_FACE: 'This face is already enrolled',
  DUPLICATE_EMPLOYEE_CODE: 'This employee code is already used',
  NOT_ENOUGH_PHOTOS: 'Not enough usable photos',
  CAMERA_UNREACHABLE: 'The camera could not be reached',
  SNAPSHOT_KEY_LOST: 'The key for encrypted snapshots is missing or wrong; old snapshots cannot be recovered',
  DATABASE_CORRUPT: 'The database is damaged; a backup must be restored',
  DATABASE_BUSY: 'The database is busy; try again in a moment',
  DISK_FULL: 'The disk is full',
  STORAGE_ERROR: 'Vigil could not read or write its data',
  DATA_FOLDER_IN_USE: 'Another Vigil process is using this data folder',
  CREDENTIALS_UNAVAILABLE: "A camera's stored password cannot be decrypted; enter it again",
  NOT_SIGNED_IN: 'Sign in first',
  SESSION_EXPIRED: 'You were signed out after a period of inactivity; sign in again',
  LOGIN_FAILED: 'The name or password is wrong',
  ACCOUNT_LOCKED: 'This account is locked after too many failed sign-ins',
  ACCOUNT_DISABLED: 'This account is disabled; ask an administrator',
  PASSWORD_REQUIRED: 'Enter your password again to confirm',
  RATE_LIMITED: 'Too many attempts; wait a moment',
  LAST_ADMIN: 'The site must keep at least one enabled administrator',
  INTERNAL: 'Something went wrong inside Vigil',
};

/** WebSocket wire format (the browser/headless host). */
export const wsClientMessageSchema = z.object({
  id: z.number().int(),
  channel: z.string(),
  request: z.unknown(),
});
export type WsClientMessage = z.infer<typeof wsClientMessageSchema>;
export type WsServerMessage =
  | { type: 'response'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; name: EventName; payload: unknown };
