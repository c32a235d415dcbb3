import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import type {
  EventName,
  EventOf,
  MatcherHealth,
  AwsCredentials,
  AwsCredentialsState,
  MatcherChoice,
  MatcherChoiceState,
  Person,
  Sighting,
  SystemStatus,
} from '../../src-preload/contract.js';
import { VigilError } from './errors.js';
import { FaceAnalyzer } from './inference/face-analyzer.js';
import type { ExecutionProviderName } from './inference/onnx-session.js';
import { FaceGallery } from './matching/face-gallery.js';
import { PeopleService } from './people-service.js';
import { OperatorService } from './operators/operator-service.js';
import type { ScryptParameters } from './operators/passwords.js';
import { SessionManager } from './operators/sessions.js';
import type { CandidateScore, MatchDecision, MatchPolicy } from './matching/match-decision.js';
import { type EmbedderManifest, findModel, loadManifest, type Manifest, verifyInstalledModel } from './models/manifest.js';
import { defaultDbPath, defaultModelsDir, manifestPath as defaultManifestPath, projectRoot } from './paths.js';
import { type Db, openDatabase } from './storage/database.js';
import { CameraRepository, type NewTemplate, PeopleRepository, SightingRepository } from './storage/repositories.js';
import { AuditRepository } from './storage/audit-log.js';
import { AttendanceService, siteTimeZone, type VisitPurgeResult } from './attendance/attendance-service.js';
import { DEFAULT_RESET_HOUR } from './attendance/occupancy.js';

/** How often the engine writes the occupancy hours that have settled. */
const OCCUPANCY_SNAPSHOT_INTERVAL_MS = 10 * 60_000;
/** How often visits past retention are looked for. */
const VISIT_PURGE_INTERVAL_MS = 60 * 60_000;
import { EngineLog } from './logger.js';
import { ensurePrivateFolder } from './util/private-files.js';
import { DataFolderLock } from './storage/data-folder-lock.js';
import { CredentialVault, defaultCredentialKeyStore } from './cameras/credential-vault.js';
import { splitUrlCredentials } from './video/ffmpeg-args.js';
import { describeFfmpeg } from './video/ffmpeg-path.js';
import { scrubDatabase } from './storage/scrub.js';
import { migrations as knownMigrations } from './storage/migrations.js';
import Database from 'better-sqlite3';
import { loadSiteConfig } from './site-config.js';
import { AlertService } from './alerts/alert-service.js';
import { DEFAULT_RECURRING_AFTER } from './alerts/alert-rules.js';
import type { GalleryTemplate } from './matching/face-gallery.js';
import { DEFAULT_MAX_FACES_PER_CLUSTER, DEFAULT_MIN_CLUSTER_QUALITY } from './unknowns/clustering.js';
import type { SnapshotKeyStore } from './unknowns/snapshot-vault.js';
import { DEFAULT_SNAPSHOT_RETENTION_DAYS, UnknownsService } from './unknowns/unknowns-service.js';
import { type DecodedImage, decodeImage } from './vision/image-io.js';
import { cropFace, type Detection, type RgbImage } from './vision/geometry.js';
import { DEFAULT_VISIT_POLICY, type VisitPolicy } from './live/camera-visits.js';
import { DEFAULT_VISIT_EVIDENCE_POLICY } from './live/visit-evidence.js';
import { type PhotoFace, PhotoInference } from './inference/photo-inference.js';
import { PersonSearch } from './search/person-search.js';
import { type MatcherConfig, type matcherConfigSchema, resolveMatcherConfig } from './remote/matcher-config.js';
import { matcherStatus, openRemoteMatcher, type MatcherStatus, type RemoteMatcher } from './remote/remote-matcher.js';
import type { RekognitionMatcherOptions } from './remote/rekognition-matcher.js';
import { RemoteFaceSync } from './remote/remote-face-sync.js';
import { RemoteFacesRepository } from './storage/remote-faces-repository.js';
import { RemoteVisitNaming, type VisitRemoteNaming } from './live/remote-naming.js';
import { MatcherCredentialStore, keyIdEnding } from './remote/matcher-credentials.js';
import { matcherChoiceState, saveMatcherChoice } from './remote/matcher-site-config.js';
import { encodeJpeg } from './vision/image-io.js';
import type { z } from 'zod';

export interface EngineOptions {
  /** Where the database (unless dbPath), its vector index, logs, snapshots, keys and config.json live. */
  dataDir: string;
  /** Default: the installed model pack (`npm run models -- import`), wherever dataDir is. */
  modelsDir?: string;
  dbPath?: string;
  manifestPath?: string;
  detectorId?: string;
  embedderId?: string;
  executionProvider?: ExecutionProviderName;
  intraOpNumThreads?: number;
  /** Cosine similarity needed to name a person; default: the embedder's calibrated threshold. */
  matchThreshold?: number;
  /** Lead the best person needs over the second-best. */
  matchMargin?: number;
  /** Enrollment: similarity at which a new face is the same person as someone enrolled (refused); default: the embedder's calibrated value. */
  duplicateThreshold?: number;
  /** Inference workers for live cameras; default one per core. */
  workerPoolSize?: number;
  ffmpegPath?: string;
  /** Version of the site's enrollment consent text (default "1"). */
  consentTextVersion?: string;
  /** Folders the console's bulk import may read (site config); none: console folder import is refused. */
  importFolders?: string[];
  /** The site's IANA time zone for attendance (default: the machine's). */
  timeZone?: string;
  /** Hour at which occupancy resets to zero each day (default 3). */
  occupancyResetHour?: number;
  /** Days an unknown person's encrypted snapshot is kept (default 30). */
  snapshotRetentionDays?: number;
  /** Join threshold for recurring-unknown clusters; default: the embedder's calibrated `unknownJoinThreshold`. */
  unknownJoinThreshold?: number;
  /** Visits after which an unknown person raises a "recurring unknown" alert (default 3). */
  recurringUnknownAlertAfter?: number;
  /** Where the snapshot encryption key lives (default: an owner-only file; the desktop app passes safeStorage). */
  snapshotKeyStore?: SnapshotKeyStore;
  /** Where the camera-credentials key lives (same machinery as snapshots, a key of its own). */
  credentialKeyStore?: SnapshotKeyStore;
  /**
   * 'exclusive' (default): this process writes the data folder and holds its lock for its whole
   * life; a second writer is refused (DATA_FOLDER_IN_USE). 'read-only': no lock; the database is
   * opened read-only and nothing is written (status, people, identify, verify from the CLI while a
   * console runs). A read-only open of a folder without a database, or one that needs a migration,
   * becomes exclusive.
   */
  access?: 'exclusive' | 'read-only';
  /** How the lock holder is named to a refused second process (default: from the npm script or argv). */
  lockCommand?: string;
  /**
   * The engine's clock, milliseconds since the epoch (default Date.now): sessions and lockouts, and
   * what runs by the clock on its own (the retention purges and occupancy snapshots at open and on
   * their timers). Tests move it instead of sleeping, and fix it when their data has fixed dates
   * (README, "Tests and the calendar").
   */
  now?: () => number;
  /** Password hashing cost (default: DEFAULT_SCRYPT); stored with each hash. */
  passwordHashing?: ScryptParameters;
  /** The site config's matcher section (local, hybrid, rekognition); default local. */
  matcher?: z.input<typeof matcherConfigSchema>;
  /** What config.json does not hold for the remote matcher: explicit credentials, tuning for tests. */
  remoteMatcherOptions?: Partial<RekognitionMatcherOptions>;
  /** How often queued remote index / delete jobs are tried again (default 30 s). */
  remoteRetryIntervalMs?: number;
  /** Erasure waits at most this long for the remote delete before answering "pending remote deletion" (default 5 s). */
  remoteEraseWaitMs?: number;
}

export interface IdentifiedFace {
  bbox: { x: number; y: number; width: number; height: number };
  landmarks: Array<[number, number]>;
  detScore: number;
  match: { personId: number; personName: string; score: number } | null;
  /** Best candidate's similarity even when no one matched (null for an empty gallery). */
  bestScore: number | null;
  embedding: Float32Array;
  /** With recordUnknowns: the cluster an unmatched face joined (null clusterId: too poor to cluster). */
  unknown?: { clusterId: number | null; reason?: string };
}

export interface IdentifiedImage {
  width: number;
  height: number;
  faces: IdentifiedFace[];
}

/** A photo decoded and analysed (faces found and embedded), not yet matched against the gallery. */
export interface AnalyzedPhoto {
  label: string;
  decoded: DecodedImage;
  faces: PhotoFace[];
}

const DEFAULT_MATCH_MARGIN = 0.03;
/** settings key: fingerprint of the key that sealed the camera credentials (never the key). */
const CREDENTIAL_KEY_SETTING = 'camera_credentials_key_fingerprint';
const DEFAULT_CONSENT_TEXT_VERSION = '1';

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

type EngineEvents = { [E in EventName]: [EventOf<E>] };

/**
 * The Vigil engine: storage, models, matching and (through LiveService) cameras.
 * Plain Node: no Electron import anywhere below src-main/engine.
 * Models that are missing do not stop the engine from opening: status()
 * reports them and anything that needs them fails with MODEL_MISSING.
 */
/** A person as the per-frame path sees them. */
export interface PersonFacts {
  name: string;
  category: Person['category'];
  status: Person['status'];
}

export class Engine extends EventEmitter<EngineEvents> {
  readonly people: PeopleRepository;
  readonly cameraRepo: CameraRepository;
  /** The hash-chained audit trail (who did what; never biometric content). */
  readonly auditLog: AuditRepository;
  private attendanceService: AttendanceService | null = null;
  readonly sightingRepo: SightingRepository;
  readonly manifest: Manifest;
  readonly modelsDir: string;
  readonly detectorId: string;
  readonly embedderId: string;
  readonly embedderManifest: EmbedderManifest;
  readonly matchPolicy: MatchPolicy;
  readonly duplicateThreshold: number;
  /** Version of the consent text people agree to at enrollment (site config). */
  /** Attendance in the site's time zone (created on first use: a bad time zone is an error there, not at start). */
  get attendance(): AttendanceService {
    this.attendanceService ??= new AttendanceService(this.db, siteTimeZone(this.options.timeZone));
    return this.attendanceService;
  }

  get consentTextVersion(): string {
    return this.options.consentTextVersion ?? DEFAULT_CONSENT_TEXT_VERSION;
  }
  /** The person lifecycle (enroll, correct, deactivate, re-enroll, export, erase). */
  readonly peopleService: PeopleService;
  readonly alerts: AlertService;
  /** Operator accounts, roles, passwords and lockout. */
  readonly operators: OperatorService;
  /** Signed-in consoles (in memory). */
  readonly sessions: SessionManager;
  private readonly personFactsCache = new Map<number, PersonFacts | null>();
  readonly unknowns: UnknownsService;
  /** "When was X last seen" and search by face (audited to this engine's trail). */
  readonly search: PersonSearch;
  /** Camera user names and passwords, sealed in the cameras table (never sent to a client). */
  readonly cameraCredentials: CredentialVault;
  private analyzerPromise: Promise<FaceAnalyzer> | null = null;
  private photoInferencePromise: Promise<PhotoInference> | null = null;
  private modelProblems: Array<{ code: string; message: string }> = [];
  private providerInUse: ExecutionProviderName | null = null;
  private providerNote: string | null = null;
  private gallery: FaceGallery;
  private readonly version = readVersion();
  /** Why things happened (camera reconnects, worker restarts): <data folder>/logs/vigil.log. */
  readonly log: EngineLog;
  /** Which matcher names people (site config; local unless the site switched Rekognition on). */
  readonly matcherConfig: MatcherConfig;
  /** Faces indexed remotely and the queue of index / delete jobs (empty tables in local mode). */
  readonly remoteFaces: RemoteFacesRepository;
  /** AWS credentials entered in Settings (sealed with the camera passwords' key); none: the standard AWS chain. */
  readonly matcherCredentials: MatcherCredentialStore;
  /** Null in local mode (the AWS SDK is not even loaded) and for read-only engines. */
  private remoteMatcherInstance: RemoteMatcher | null = null;
  private remoteSyncInstance: RemoteFaceSync | null = null;
  private remoteNamingInstance: VisitRemoteNaming | null = null;
  private remoteProbeTimer: NodeJS.Timeout | null = null;
  private occupancyTimer: NodeJS.Timeout | null = null;
  private visitPurgeTimer: NodeJS.Timeout | null = null;
  /** What the last visit retention purge did (null: none ran since the engine opened). */
  lastVisitPurge: (VisitPurgeResult & { at: string }) | null = null;

  private constructor(
    readonly options: EngineOptions,
    readonly db: Db,
    manifest: Manifest,
    private readonly lock: DataFolderLock | null = null,
  ) {
    super();
    this.manifest = manifest;
    this.modelsDir = options.modelsDir ?? defaultModelsDir();
    this.detectorId = options.detectorId ?? manifest.defaults.detector;
    this.embedderId = options.embedderId ?? manifest.defaults.embedder;
    findModel(manifest, this.detectorId, 'detector');
    this.embedderManifest = findModel(manifest, this.embedderId, 'embedder');
    this.matchPolicy = {
      threshold: options.matchThreshold ?? this.embedderManifest.matchThreshold,
      margin: options.matchMargin ?? DEFAULT_MATCH_MARGIN,
    };
    // The data folder holds templates, sightings and logs: 0700 (POSIX), even when an administrator made it.
    ensurePrivateFolder(options.dataDir, { tighten: true });
    this.duplicateThreshold = options.duplicateThreshold ?? this.embedderManifest.duplicateThreshold;
    this.log = new EngineLog(options.dataDir);
    this.people = new PeopleRepository(db);
    this.cameraRepo = new CameraRepository(db);
    this.auditLog = new AuditRepository(db);
    this.sightingRepo = new SightingRepository(db);
    this.gallery = new FaceGallery(this.embedderId, this.embedderManifest.embeddingSize, join(options.dataDir, 'index', `${this.embedderId}.hnsw`), {
      readOnly: options.access === 'read-only',
    });
    this.matcherConfig = resolveMatcherConfig(options.matcher);
    this.remoteFaces = new RemoteFacesRepository(db);
    this.peopleService = new PeopleService({
      db,
      people: this.people,
      sightings: this.sightingRepo,
      gallery: this.gallery,
      embedderId: this.embedderId,
      matchPolicy: this.matchPolicy,
      duplicateThreshold: this.duplicateThreshold,
      analyzer: () => this.analyzer(),
      // The generic signature cannot be checked against the emitter's overloads; the payload type is checked at the call site.
      emit: (name, payload) => (this.emit as (n: EventName, p: unknown) => boolean)(name, payload),
      log: this.log,
      remoteFaces: this.remoteFaces,
      remote: () =>
        this.remoteSyncInstance
          ? { sync: this.remoteSyncInstance, collection: this.matcherConfig.collectionId!, eraseWaitMs: this.options.remoteEraseWaitMs ?? 5000 }
          : null,
    });
    // Every running camera listens here (people.changed, to judge its open visits again), so a site
    // with more than ten cameras is not a leak; pipelines remove their listener when they stop
    // (test/integration/camera-listeners.test.ts checks that instead).
    this.setMaxListeners(0);
    // Every change to a person (enroll, edit, status, templates, erase, named from a cluster) emits this.
    this.on('people.changed', () => this.personFactsCache.clear());
    this.operators = new OperatorService(db, { now: options.now, scrypt: options.passwordHashing });
    this.sessions = new SessionManager(this.operators);
    this.alerts = new AlertService(this, { recurringAfter: options.recurringUnknownAlertAfter ?? DEFAULT_RECURRING_AFTER });
    this.cameraCredentials = new CredentialVault(options.credentialKeyStore ?? defaultCredentialKeyStore(options.dataDir), {
      get: () => (db.prepare('SELECT value FROM settings WHERE key = ?').get(CREDENTIAL_KEY_SETTING) as { value: string } | undefined)?.value ?? null,
      set: (value) => db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(CREDENTIAL_KEY_SETTING, value),
    });
    this.matcherCredentials = new MatcherCredentialStore(db, this.cameraCredentials);
    this.unknowns = new UnknownsService(this, {
      policy: {
        joinThreshold: options.unknownJoinThreshold ?? this.embedderManifest.unknownJoinThreshold,
        maxFacesPerCluster: DEFAULT_MAX_FACES_PER_CLUSTER,
        minQuality: DEFAULT_MIN_CLUSTER_QUALITY,
      },
      retentionDays: options.snapshotRetentionDays ?? DEFAULT_SNAPSHOT_RETENTION_DAYS,
      keyStore: options.snapshotKeyStore,
    });
    this.search = new PersonSearch(this);
  }

  get remoteMatcher(): RemoteMatcher | null {
    return this.remoteMatcherInstance;
  }

  /** The enrollment side of the remote matcher (null in local mode). */
  get remoteSync(): RemoteFaceSync | null {
    return this.remoteSyncInstance;
  }

  /** The cameras' side of the remote matcher (null in local mode). */
  get remoteNaming(): VisitRemoteNaming | null {
    return this.remoteNamingInstance;
  }

  /**
   * Hybrid / rekognition modes: the Rekognition client, the enrollment queue (worked through
   * now: what waited while Vigil was off goes out) and the cameras' naming. Local mode: nothing.
   */
  private async openRemote(): Promise<void> {
    const config = this.matcherConfig;
    if (config.mode === 'local') return;
    const matcher = await openRemoteMatcher(config, { ...this.options.remoteMatcherOptions, credentials: this.matcherSigningCredentials() });
    if (!matcher) return;
    this.remoteMatcherInstance = matcher;
    this.remoteNamingInstance = new RemoteVisitNaming({
      mode: config.mode,
      matcher,
      encode: (crop) => encodeJpeg(crop, 90),
      onError: (error) => this.log.warn('remote', 'remote ask failed; the visit stays with the local answer', { reason: (error as Error).message }),
    });
    if (this.access === 'read-only') return;
    // Cameras do not ask while the service is away, so something must notice it is back: one
    // DescribeCollection now (it also says at once whether the collection exists) and, while
    // offline, one per probe interval.
    const probe = () => void matcher.describeCollection().catch((error: unknown) => this.log.warn('remote', 'remote matcher not available; matching locally', { reason: (error as Error).message }));
    probe();
    this.remoteProbeTimer = setInterval(() => {
      if (!matcher.health().online) probe();
    }, this.options.remoteMatcherOptions?.offlineProbeIntervalMs ?? 15_000);
    this.remoteProbeTimer.unref();
    this.remoteSyncInstance = new RemoteFaceSync(this.remoteFaces, matcher, {
      collection: config.collectionId!,
      retryIntervalMs: this.options.remoteRetryIntervalMs,
      log: this.log,
      onPersonDeleted: (personId, deletedFaces) =>
        this.auditLog.append({ operator: 'system', action: 'person.remote-faces-deleted', subjectKind: 'person', subjectId: personId, subjectLabel: null, details: { deletedFaces } }),
    });
    this.log.info('remote', 'remote matcher on', { mode: config.mode, region: config.region, collection: config.collectionId, queued: this.remoteSyncInstance.queued });
    void this.remoteSyncInstance.kick();
  }

  /**
   * What the remote matcher signs with: the credentials entered in Settings when set and
   * readable, otherwise the engine's option (tests) or, without one, the standard AWS chain.
   */
  private matcherSigningCredentials(): RekognitionMatcherOptions['credentials'] | undefined {
    try {
      const stored = this.matcherCredentials.load();
      if (stored) return stored;
    } catch (error) {
      this.log.warn('remote', 'the AWS credentials stored in settings cannot be read; using the standard AWS chain', { reason: (error as Error).message });
    }
    return this.options.remoteMatcherOptions?.credentials;
  }

  /**
   * Stores (or clears, with null) the AWS credentials entered in Settings, audited in the same
   * transaction (the key id's last 4 characters, never the secret), and has the running matcher
   * sign with them at once (no restart).
   */
  setMatcherCredentials(credentials: AwsCredentials | null, operator: string): AwsCredentialsState {
    const before = this.matcherCredentials.state();
    this.db.transaction(() => {
      if (credentials) this.matcherCredentials.save(credentials);
      else this.matcherCredentials.clear();
      this.auditLog.append({
        operator,
        action: credentials ? 'matcher.credentials-set' : 'matcher.credentials-cleared',
        subjectKind: 'settings',
        subjectId: null,
        subjectLabel: 'face matcher AWS credentials',
        details: credentials
          ? { accessKeyIdEnding: keyIdEnding(credentials.accessKeyId), sessionToken: credentials.sessionToken !== undefined, replaced: before.set }
          : { wasSet: before.set },
      });
    })();
    const matcher = this.remoteMatcherInstance;
    if (matcher) {
      matcher.useCredentials(this.matcherSigningCredentials());
      // Health says at once whether the new credentials work (a DescribeCollection, as at start).
      void matcher.describeCollection().catch((error: unknown) => this.log.warn('remote', 'remote matcher check after new credentials failed', { reason: (error as Error).message }));
    }
    this.log.info('remote', credentials ? 'AWS credentials for the face matcher set in settings' : 'AWS credentials for the face matcher cleared; the standard AWS chain is used', { operator });
    return this.matcherCredentials.state();
  }

  /** The site config's matcher choice: as saved in config.json and as running. */
  matcherChoice(): MatcherChoiceState {
    return matcherChoiceState(this.options.dataDir, this.matcherConfig);
  }

  /**
   * Writes the matcher choice (mode, region, collection) into config.json, audited; it applies at
   * the next start (the remote matcher, its queue and the cameras' naming are built at start).
   */
  setMatcherChoice(choice: MatcherChoice, operator: string): MatcherChoiceState {
    if (this.access === 'read-only') throw new VigilError('CONFLICT', 'This console only reads the data folder (another Vigil process holds it): the matcher cannot be changed here');
    const { before, after } = saveMatcherChoice(this.options.dataDir, choice);
    this.auditLog.append({ operator, action: 'settings.matcher-changed', subjectKind: 'settings', subjectId: null, subjectLabel: 'face matcher', details: { from: before, to: after, appliesAt: 'next start' } });
    this.log.info('remote', 'matcher settings saved in config.json; they apply at the next start', { operator, from: before, to: after });
    return this.matcherChoice();
  }

  /** The matcher's mode, counters and health, and the remote jobs waiting (status --json, the console). */
  matcherHealth(): MatcherHealth {
    const status: MatcherStatus = matcherStatus(this.matcherConfig.mode, this.remoteMatcherInstance);
    const health = this.remoteMatcherInstance?.health() ?? null;
    const { matcher: mode, lastError, ...counters } = status;
    return {
      ...counters,
      mode,
      lastError: lastError ? { code: lastError.code, message: lastError.message, at: new Date(lastError.atMs).toISOString() } : null,
      lastSuccessAt: health?.lastSuccessAtMs != null ? new Date(health.lastSuccessAtMs).toISOString() : null,
      jobsQueued: this.remoteFaces.pendingCount(),
    };
  }

  static async open(requested: EngineOptions): Promise<Engine> {
    // Explicit options (CLI flags, tests) win over the site's config.json.
    const config = loadSiteConfig(requested.dataDir);
    const defined = Object.fromEntries(Object.entries(requested).filter(([, v]) => v !== undefined)) as EngineOptions;
    const options: EngineOptions = { ...config, ...defined };
    const manifest = loadManifest(options.manifestPath ?? defaultManifestPath());
    const dbPath = options.dbPath ?? defaultDbPath(options.dataDir);
    const readOnly = options.access === 'read-only' && canOpenReadOnly(dbPath);
    // The lock before the database: a second writer must not even run the migrations.
    const lock = readOnly ? null : DataFolderLock.acquire(options.dataDir, options.lockCommand ?? describeThisProcess());
    let engine: Engine | null = null;
    try {
      const db = openDatabase(dbPath, { readonly: readOnly });
      engine = new Engine({ ...options, access: readOnly ? 'read-only' : 'exclusive' }, db, manifest, lock);
      const how = engine.gallery.load(engine.people.templates(engine.embedderId), engine.people.templatesGeneration());
      await engine.checkModels();
      if (!readOnly) {
        // Hours missed while Vigil was off are kept before the retention purge can take their visits.
        engine.startOccupancySnapshots();
        engine.unknowns.start();
        engine.startVisitRetention();
        engine.sealPlainCameraCredentials();
      }
      await engine.openRemote();
      if (lock?.tookOverFrom) engine.log.warn('engine', 'took over the data folder from a process that ended without releasing it', { previous: lock.tookOverFrom });
      engine.log.info('engine', 'opened', {
        version: engine.version,
        access: readOnly ? 'read-only' : 'exclusive',
        vectorIndex: how,
        templates: engine.gallery.templateCount,
        modelProblems: engine.modelProblems.map((p) => p.message),
      });
      return engine;
    } catch (error) {
      if (engine) engine.db.close();
      lock?.release();
      throw error;
    }
  }

  /**
   * Moves user names / passwords still in stored camera URLs (saved before they were encrypted)
   * into the sealed column, then scrubs the old bytes from the database file and its WAL. A key
   * that cannot be had (the desktop app's keychain, from the CLI) leaves them for the next start.
   */
  sealPlainCameraCredentials(): void {
    const plain = this.cameraRepo.list().filter((c) => (c.source.kind === 'rtsp' || c.source.kind === 'http') && splitUrlCredentials(c.source.url).credentials);
    if (plain.length === 0) return;
    try {
      this.db.transaction(() => {
        for (const camera of plain) {
          if (camera.source.kind !== 'rtsp' && camera.source.kind !== 'http') continue;
          const { url, credentials } = splitUrlCredentials(camera.source.url);
          this.cameraRepo.replaceSourceAndCredentials(camera.id, { ...camera.source, url }, this.cameraCredentials.seal(credentials!, camera.id));
        }
      })();
    } catch (error) {
      this.log.warn('cameras', 'camera passwords stored in plain text could not be encrypted now (retried at the next start)', { reason: (error as Error).message });
      return;
    }
    scrubDatabase(this.db, this.log, 'camera credentials encrypted');
    this.log.info('cameras', 'camera passwords moved out of their URLs and encrypted', { cameras: plain.length });
  }

  /** Whether this engine writes the data folder (holds its lock) or only reads it. */
  get access(): 'exclusive' | 'read-only' {
    return this.lock === null ? 'read-only' : 'exclusive';
  }

  /** Verifies the configured models' files; remembers plain-words problems for status(). */
  async checkModels(): Promise<void> {
    const problems: Array<{ code: string; message: string }> = [];
    for (const id of [this.detectorId, this.embedderId]) {
      const model = this.manifest.models.find((m) => m.id === id)!;
      const problem = await verifyInstalledModel(this.modelsDir, model);
      if (problem) problems.push({ code: problem.code, message: problem.message });
    }
    this.modelProblems = problems;
  }

  /** The in-process analyzer (CLI, enrollment); loaded once, on first use. */
  analyzer(): Promise<FaceAnalyzer> {
    if (this.modelProblems.length > 0) {
      const first = this.modelProblems[0]!;
      return Promise.reject(new VigilError(first.code as 'MODEL_MISSING', first.message));
    }
    this.analyzerPromise ??= FaceAnalyzer.load({
      manifest: this.manifest,
      modelsDir: this.modelsDir,
      detectorId: this.detectorId,
      embedderId: this.embedderId,
      executionProvider: this.options.executionProvider ?? 'cpu',
      intraOpNumThreads: this.options.intraOpNumThreads ?? Math.min(2, cpus().length),
    }).then((analyzer) => {
      this.setProviderInUse(analyzer.provider, analyzer.fallbackReason);
      return analyzer;
    });
    this.analyzerPromise.catch(() => (this.analyzerPromise = null));
    return this.analyzerPromise;
  }

  /**
   * Inference workers for photos (identify, verify): started on first use,
   * one worker per core; the main thread never runs the models for them.
   */
  photoInference(): Promise<PhotoInference> {
    if (this.modelProblems.length > 0) {
      const first = this.modelProblems[0]!;
      return Promise.reject(new VigilError(first.code as 'MODEL_MISSING', first.message));
    }
    this.photoInferencePromise ??= PhotoInference.start({
      manifest: this.manifest,
      modelsDir: this.modelsDir,
      detectorId: this.detectorId,
      embedderId: this.embedderId,
      executionProvider: this.options.executionProvider ?? 'cpu',
      size: this.options.workerPoolSize ?? Math.max(1, cpus().length),
      onWorkerRestart: (reason, restarts) => this.log.warn('inference', 'photo worker replaced', { reason, restarts }),
    }).then((inference) => {
      this.setProviderInUse(inference.provider, inference.providerFallbackReason);
      return inference;
    });
    this.photoInferencePromise.catch(() => (this.photoInferencePromise = null));
    return this.photoInferencePromise;
  }

  /** Records which execution provider actually runs, and why not the requested one. */
  setProviderInUse(provider: ExecutionProviderName, fallbackReason: string | null = null): void {
    this.providerInUse = provider;
    const requested = this.options.executionProvider ?? 'cpu';
    this.providerNote = provider === requested ? null : `${requested} requested; running on ${provider}${fallbackReason ? ` (${fallbackReason})` : ''}`;
  }

  status(): SystemStatus {
    return {
      version: this.version,
      dataDir: this.options.dataDir,
      modelsDir: this.modelsDir,
      modelsReady: this.modelProblems.length === 0,
      modelProblems: this.modelProblems,
      detectorId: this.detectorId,
      embedderId: this.embedderId,
      executionProvider: this.providerInUse ?? (this.modelProblems.length === 0 ? (this.options.executionProvider ?? 'cpu') : null),
      executionProviderNote: this.providerNote,
      models: this.manifest.models.map((m) => {
        const path = join(this.modelsDir, m.file);
        return {
          id: m.id,
          role: m.role,
          file: m.file,
          licence: m.licence,
          installed: existsSync(path) && statSync(path).size === m.sizeBytes,
        };
      }),
      matchThreshold: this.matchPolicy.threshold,
      duplicateThreshold: this.duplicateThreshold,
      ffmpeg: describeFfmpeg(this.options.ffmpegPath),
      consentTextVersion: this.consentTextVersion,
      matcher: this.matcherHealth(),
    };
  }

  // ---------- people ----------

  listPeople(search?: string): Person[] {
    return this.peopleService.list({ search });
  }

  /**
   * What the live path needs of a matched person, per face per frame: cached (no SQLite on
   * the hot path) until any people.changed event. Null when they were erased.
   */
  personFacts(id: number): PersonFacts | null {
    let facts = this.personFactsCache.get(id);
    if (facts === undefined) {
      const person = this.people.get(id);
      facts = person ? { name: person.name, category: person.category, status: person.status } : null;
      this.personFactsCache.set(id, facts);
    }
    return facts;
  }

  /** Whether a matched person may be named on a camera: erased or deactivated people are not. */
  isMatchable(id: number): boolean {
    return this.personFacts(id)?.status === 'active';
  }

  /**
   * Saves templates for a new person (name and category) or an existing one
   * (optionally changing their category), with audit entries naming the
   * operator and where the faces came from. SQLite only, so the caller can run
   * it inside its own transaction; pass the result to addToGallery after commit.
   */
  saveTemplates(
    target: { personId: number; category?: Person['category'] } | { name: string; category: Person['category'] },
    templates: NewTemplate[],
    provenance: { operator: string; origin: string },
  ): { person: Person; templates: GalleryTemplate[] } {
    const { operator, origin } = provenance;
    let personId: number;
    let templateIds: number[];
    if ('personId' in target) {
      const person = this.people.get(target.personId);
      if (!person) throw new VigilError('NOT_FOUND', `No person with id ${target.personId}`);
      personId = person.id;
      const audit = { operator, subjectKind: 'person', subjectId: personId, subjectLabel: person.name };
      if (target.category && target.category !== person.category) {
        this.people.update(personId, { category: target.category }, (fields) => ({ ...audit, action: 'person.updated', details: { fields, origin } }));
      }
      templateIds = this.people.saveTemplates(personId, this.embedderId, templates, 'add', {
        ...audit,
        action: 'person.templates-added',
        details: { added: templates.length, origin },
      }).templateIds;
    } else {
      const name = target.name.trim();
      if (!name) throw new VigilError('BAD_REQUEST', 'A name is required');
      // No consent is on record for someone named from camera sightings: the record says so (consent null).
      ({ personId, templateIds } = this.people.create(
        { name, employeeCode: null, department: null, category: target.category, notes: null },
        null,
        this.embedderId,
        templates,
        { operator, action: 'person.enrolled', subjectKind: 'person', subjectId: null, subjectLabel: name, details: { templates: templates.length, origin } },
      ));
    }
    const person = this.people.get(personId)!;
    // An inactive person's templates are stored but stay out of the index (not matched).
    const galleryTemplates = person.status === 'active' ? templateIds.map((id, i) => ({ id, personId, embedding: templates[i]!.embedding })) : [];
    return { person, templates: galleryTemplates };
  }

  /** The vector index (diagnostics, tests, benchmarks). */
  get vectorIndex(): FaceGallery {
    return this.gallery;
  }

  /** Searchable when this returns unless index maintenance is running (then when it resolves). */
  addToGallery(templates: GalleryTemplate[]): Promise<void> {
    return this.gallery.add(templates, this.people.templatesGeneration());
  }

  personName(id: number): string | null {
    return this.personFacts(id)?.name ?? null;
  }

  // ---------- recognition ----------

  /** How this engine's cameras turn tracks into visits and name them (thresholds from the manifest and site config). */
  visitPolicy(): VisitPolicy {
    return {
      ...DEFAULT_VISIT_POLICY,
      evidence: { ...DEFAULT_VISIT_EVIDENCE_POLICY, minFaceNorm: this.embedderManifest.faceNormThreshold },
      matchThreshold: this.matchPolicy.threshold,
      appearanceLinkThreshold: this.unknowns.options.policy.joinThreshold,
    };
  }

  /** Every candidate person's score for an embedding, best first (evaluations, diagnostics). */
  galleryCandidates(embedding: Float32Array): CandidateScore[] {
    return [...this.gallery.candidates(embedding)].sort((a, b) => b.score - a.score);
  }

  /** The gallery's decision on one embedding; `threshold` overrides the match threshold (visit templates). */
  identifyEmbedding(embedding: Float32Array, threshold?: number): MatchDecision {
    return this.gallery.identify(embedding, threshold === undefined ? this.matchPolicy : { ...this.matchPolicy, threshold });
  }

  /**
   * Detects, embeds and identifies every face of an image file's bytes. With
   * `recordUnknowns`, each unmatched face is one visit of a recurring-unknown
   * cluster (a sighting row and clustering, as a live camera would record it).
   */
  async identifyImage(bytes: Buffer, label: string, options: { recordUnknowns?: boolean } = {}): Promise<IdentifiedImage> {
    return this.identifyAnalyzed(await this.analyzePhoto(bytes, label), options);
  }

  /** Decodes a photo and finds and embeds its faces in the inference workers (several photos may be under way at once). */
  async analyzePhoto(bytes: Buffer, label: string): Promise<AnalyzedPhoto> {
    const inference = await this.photoInference();
    const decoded = await decodeImage(bytes, label);
    return { label, decoded, faces: await inference.analyze(decoded.image) };
  }

  /**
   * Matches an analysed photo's faces against the gallery (and records unknown
   * visits). Call in the photos' order: each visit may join a cluster the
   * previous one started.
   */
  async identifyAnalyzed(photo: AnalyzedPhoto, options: { recordUnknowns?: boolean } = {}): Promise<IdentifiedImage> {
    const { decoded, label } = photo;
    const scale = decoded.scaleToOriginal;
    const identified: IdentifiedFace[] = [];
    for (const face of photo.faces) {
      const decision = this.identifyEmbedding(face.embedding);
      const unknown = decision.kind !== 'match' && options.recordUnknowns ? await this.recordUnknownPhotoFace(face, decoded.image, label) : undefined;
      identified.push({
        ...scaleDetection(face.detection, scale),
        match:
          decision.kind === 'match'
            ? { personId: decision.personId, personName: this.personName(decision.personId) ?? '?', score: decision.score }
            : null,
        bestScore: decision.kind === 'match' ? decision.score : decision.bestScore,
        embedding: face.embedding,
        ...(unknown ? { unknown } : {}),
      });
    }
    return { width: decoded.originalWidth, height: decoded.originalHeight, faces: identified };
  }

  private async recordUnknownPhotoFace(face: PhotoFace, image: RgbImage, label: string): Promise<{ clusterId: number | null; reason?: string }> {
    const now = new Date();
    const cameraName = `photo ${label}`;
    const sighting = this.sightingRepo.insert({
      cameraId: null,
      cameraName,
      personId: null,
      status: 'unknown',
      trackId: null,
      firstSeen: now,
      lastSeen: now,
      bestScore: null,
      frames: 1,
    });
    this.emit('sightings.changed', sighting);
    const outcome = await this.unknowns.recordVisit({
      faces: [{ embedding: face.embedding, quality: face.quality }],
      crop: cropFace(image, face.detection.box),
      cropQuality: face.quality,
      cameraId: null,
      cameraName,
      sightingId: sighting.id,
      seenAt: now,
    });
    return outcome ? { clusterId: outcome.clusterId } : { clusterId: null, reason: 'the face is too poor (blurry, small or turned) to cluster' };
  }

  listSightings(limit: number, personId?: number): Sighting[] {
    return this.sightingRepo.list(limit, personId);
  }

  /** Milliseconds since the epoch by the engine's clock (`EngineOptions.now`, default Date.now). */
  now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /**
   * Keeps occupancy per hour (and the monthly roll-up) as snapshots now and every 10 minutes. A
   * failure (busy database, a bad time zone in config.json) is logged and retried at the next tick.
   */
  startOccupancySnapshots(): void {
    const snapshot = () => {
      try {
        const { written, months } = this.attendance.snapshotOccupancy(this.now(), this.options.occupancyResetHour ?? DEFAULT_RESET_HOUR);
        if (written > 0) this.log.write('debug', 'attendance', 'occupancy snapshots written', { hours: written, months });
      } catch (error) {
        this.log.error('attendance', 'occupancy snapshot failed (retried in 10 minutes)', { reason: (error as Error).message });
      }
    };
    snapshot();
    this.occupancyTimer = setInterval(snapshot, OCCUPANCY_SNAPSHOT_INTERVAL_MS);
    this.occupancyTimer.unref();
  }

  /**
   * Deletes visits past the site's visit retention (occupancy snapshots are written first; visits
   * attendance still needs wait for a frozen lock), now and hourly. A failure is logged and retried.
   */
  startVisitRetention(): void {
    const purge = () => {
      try {
        this.purgeExpiredVisits();
      } catch (error) {
        this.log.error('attendance', 'visit retention purge failed (retried in an hour)', { reason: (error as Error).message });
      }
    };
    purge();
    this.visitPurgeTimer = setInterval(purge, VISIT_PURGE_INTERVAL_MS);
    this.visitPurgeTimer.unref();
  }

  purgeExpiredVisits(nowMs = this.now()): VisitPurgeResult {
    const result = this.attendance.purgeExpiredVisits(nowMs, this.options.occupancyResetHour ?? DEFAULT_RESET_HOUR);
    this.lastVisitPurge = { ...result, at: new Date(nowMs).toISOString() };
    if (result.deleted + result.heldForLock + result.heldForOccupancy > 0) {
      this.log.info('attendance', 'visit retention purge', { deleted: result.deleted, heldForLock: result.heldForLock, heldForOccupancy: result.heldForOccupancy, retentionDays: result.retentionDays });
    }
    if (result.message) this.log.warn('attendance', result.message, { heldForLock: result.heldForLock });
    return result;
  }

  async close(): Promise<void> {
    if (this.occupancyTimer) clearInterval(this.occupancyTimer);
    if (this.visitPurgeTimer) clearInterval(this.visitPurgeTimer);
    // Stop the queue, then close the client (what waits fails fast), then let a run under way end.
    if (this.remoteProbeTimer) clearInterval(this.remoteProbeTimer);
    this.remoteSyncInstance?.stop();
    this.remoteMatcherInstance?.close();
    await this.remoteSyncInstance?.idle();
    this.unknowns.stop();
    await this.unknowns.idle();
    const analyzer = await this.analyzerPromise?.catch(() => null);
    await analyzer?.dispose();
    const photoInference = await this.photoInferencePromise?.catch(() => null);
    await photoInference?.close();
    // Index writes in flight finish before the database and the lock go.
    await this.gallery.idle().catch((error: unknown) => this.log.warn('engine', 'vector index write failed at close (rebuilt at the next start)', { reason: String(error) }));
    this.db.close();
    this.lock?.release();
  }
}

/** How this process is named to another one refused by its data-folder lock. */
function describeThisProcess(): string {
  const script = process.env.npm_lifecycle_event;
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-')).slice(0, 2);
  if (script) return `npm run ${script}${script === 'cli' && args[0] ? ` -- ${args[0]}` : ''}`;
  return `${basename(process.argv[1] ?? 'vigil')}${args[0] ? ` ${args[0]}` : ''}`;
}

/**
 * A read-only open needs a database that exists and is at the current schema (a read-only
 * connection cannot create or migrate it): otherwise the open is exclusive.
 */
function canOpenReadOnly(dbPath: string): boolean {
  if (!existsSync(dbPath)) return false;
  let probe: Database.Database | null = null;
  try {
    probe = new Database(dbPath, { readonly: true, fileMustExist: true });
    const applied = new Set((probe.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
    return knownMigrations.every((m) => applied.has(m.version));
  } catch {
    return false;
  } finally {
    probe?.close();
  }
}

/** Boxes and landmarks from decoded-image pixels to original-file pixels, rounded for output. */
function scaleDetection(detection: Detection, scale: number) {
  const round = (v: number) => Math.round(v * scale * 10) / 10;
  return {
    bbox: { x: round(detection.box.x), y: round(detection.box.y), width: round(detection.box.width), height: round(detection.box.height) },
    landmarks: detection.landmarks.map(([x, y]) => [round(x), round(y)] as [number, number]),
    detScore: Math.round(detection.score * 1000) / 1000,
  };
}
