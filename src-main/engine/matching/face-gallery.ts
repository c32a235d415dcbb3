import { chmodSync, closeSync, createReadStream, existsSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';
import { ensurePrivateFile, ensurePrivateFolder, tightenFile, writeFileDurably } from '../util/private-files.js';
import { dot } from '../vision/geometry.js';
import { SerialQueue } from '../util/serial-queue.js';
import { type CandidateScore, decideMatch, type MatchDecision, type MatchPolicy } from './match-decision.js';

const { HierarchicalNSW } = hnswlib;
const requireHere = createRequire(import.meta.url);

/**
 * Index parameters, from the `npm run bench` sweep at 100k x 512-d random unit vectors
 * (the hard case for HNSW), recall@1 against exact search: M 16 needed ef 256 for 0.998
 * (p99 4.9 ms); M 32 reached 0.997 at ef 64 (p99 1.8-2.5 ms); M 48 gives 1.000 already at
 * ef 32 (p99 1.5 ms). The price of M 48: ~390 bytes of links per template (a 512-d vector
 * is 2 KB) and a slower build (~15 min for 100k here; seconds for a site's gallery).
 * Searches for k candidates run at ef = max(INDEX_EF_SEARCH, k).
 */
export const INDEX_M = 48;
export const INDEX_EF_CONSTRUCTION = 200;
export const INDEX_EF_SEARCH = 32;
/** How many nearest templates to pull before scoring whole persons. */
const CANDIDATE_TEMPLATES = 50;

export interface GalleryTemplate {
  id: number;
  personId: number;
  embedding: Float32Array;
}

interface IndexMeta {
  embedderId: string;
  dimension: number;
  /** Graph degree the file was built with: a file from other settings is rebuilt, not reused. */
  m: number;
  generation: number;
  count: number;
  /**
   * SHA-256 of the index file as written: a file damaged since (a bad sector, a partial copy) is
   * rebuilt from SQLite instead of being handed to hnswlib's native reader. Absent in files from
   * before it was kept (accepted once; the next write adds it).
   */
  sha256?: string;
}

/**
 * Enrolled faces of one embedder: an hnswlib index over every template
 * (labels = template ids) for fast candidate search, plus each person's
 * centroid, which scores better than any single template (measured on LFW).
 * The index is persisted beside the database and rebuilt from SQLite when it
 * is missing or its generation no longer matches the templates table.
 *
 * Removing templates never rebuilds the index on the event loop (at 100k
 * templates a rebuild takes ~15 minutes here): `forget` takes them out of
 * matching at once (the person maps are plain JavaScript, searched results are
 * filtered through them), then `scrub` overwrites each removed template's
 * vector IN PLACE in the native index with random bytes (hnswlib's update of an
 * existing label rewrites its data and repairs its links) and marks it deleted,
 * and the file is rewritten by hnswlib's asynchronous writer on the libuv
 * thread pool (temp file, fsync, rename). So the erased vector's bytes leave
 * memory and the file without a rebuild. Native changes and file writes run
 * one at a time (`maintenance` queue): hnswlib must not be changed while it
 * writes; searches may run meanwhile (both only read). Deleted slots stay as
 * tombstones (scrubbed, or a deactivated person's), revived when a template id
 * comes back; the index is rebuilt without them only when it is rebuilt anyway
 * (a stale or missing file at start). No background compaction yet.
 */
export class FaceGallery {
  private index: InstanceType<typeof HierarchicalNSW>;
  private capacity = 0;
  private readonly personOfTemplate = new Map<number, number>();
  private readonly templateSums = new Map<number, { sum: Float32Array; count: number }>();
  private readonly centroids = new Map<number, Float32Array>();
  /** Labels present in the native index but deleted there (scrubbed or deactivated): not searchable. */
  private readonly tombstones = new Set<number>();
  /** Every label in the native index, live or deleted. */
  private readonly nativeLabels = new Set<number>();
  /** SHA-256 of the index file on disk as last written or read (for the meta written after an in-place scrub). */
  private fileSha256: string | null = null;
  private generation = -1;
  private readonly maintenance = new SerialQueue();
  /** Native operations queued or running (a write in flight among them). */
  private busy = 0;
  private pendingPersist: Promise<void> | null = null;

  constructor(
    readonly embedderId: string,
    readonly dimension: number,
    private readonly indexPath: string | null,
    /** readOnly: a persisted index is read when current, but nothing is ever written (read-only engines). */
    private readonly options: { readOnly?: boolean } = {},
  ) {
    this.index = new HierarchicalNSW('cosine', dimension);
  }

  get templateCount(): number {
    return this.personOfTemplate.size;
  }

  get personCount(): number {
    return this.centroids.size;
  }

  /** The vector the native index holds for a label, as stored (normalised) there; null if absent. Diagnostics and tests. */
  nativeVector(label: number): Float32Array | null {
    if (!this.nativeLabels.has(label) || this.tombstones.has(label)) return null;
    return Float32Array.from(this.index.getPoint(label));
  }

  /** Deleted slots kept in the native index (see compaction). */
  get tombstoneCount(): number {
    return this.tombstones.size;
  }

  /** Loads the persisted index if it is current, otherwise rebuilds it from `templates`. Returns how it was obtained. */
  load(templates: GalleryTemplate[], generation: number): 'loaded' | 'rebuilt' {
    this.resetMemory();
    for (const t of templates) this.trackTemplate(t);
    this.generation = generation;
    if (this.indexPath && this.tryReadPersisted(templates)) return 'loaded';
    this.rebuildIndex(templates);
    this.persistSync();
    return 'rebuilt';
  }

  /**
   * Builds a fresh index from `templates` and overwrites the persisted one, synchronously
   * (start-up, tests, the benchmark's "before" figure). Erasure does not use it any more.
   */
  rebuild(templates: GalleryTemplate[], generation: number): void {
    this.resetMemory();
    for (const t of templates) this.trackTemplate(t);
    this.generation = generation;
    this.rebuildIndex(templates);
    this.persistSync();
  }

  private resetMemory(): void {
    this.personOfTemplate.clear();
    this.templateSums.clear();
    this.centroids.clear();
    this.tombstones.clear();
    this.nativeLabels.clear();
  }

  private tryReadPersisted(templates: GalleryTemplate[]): boolean {
    const metaPath = `${this.indexPath}.meta.json`;
    if (!existsSync(this.indexPath!) || !existsSync(metaPath)) return false;
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as IndexMeta;
      if (
        meta.embedderId !== this.embedderId ||
        meta.dimension !== this.dimension ||
        meta.m !== INDEX_M ||
        meta.generation !== this.generation ||
        meta.count !== templates.length
      ) {
        return false;
      }
      if (templates.length === 0) return false; // nothing to load: a fresh index is cheaper than reading one
      const sha256 = fileSha256Sync(this.indexPath!);
      if (meta.sha256 !== undefined && meta.sha256 !== sha256) return false; // damaged since written: rebuilt
      const index = new HierarchicalNSW('cosine', this.dimension);
      index.readIndexSync(this.indexPath!, true);
      tightenFile(this.indexPath!);
      tightenFile(metaPath);
      // Every label in the file that is not a live template is a deleted slot (its deleted flag is in the file).
      const live = new Set(templates.map((t) => t.id));
      const labels = new Set(index.getIdsList());
      if (templates.some((t) => !labels.has(t.id))) return false;
      for (const label of labels) {
        this.nativeLabels.add(label);
        if (!live.has(label)) this.tombstones.add(label);
      }
      this.index = index;
      this.index.setEf(INDEX_EF_SEARCH);
      this.capacity = index.getMaxElements();
      this.fileSha256 = sha256;
      return true;
    } catch {
      return false; // a damaged index file is simply rebuilt
    }
  }

  private rebuildIndex(templates: GalleryTemplate[]): void {
    this.index = new HierarchicalNSW('cosine', this.dimension);
    this.capacity = Math.max(1024, templates.length * 2);
    this.index.initIndex(this.capacity, INDEX_M, INDEX_EF_CONSTRUCTION, 100, true);
    this.index.setEf(INDEX_EF_SEARCH);
    for (const t of templates) {
      this.index.addPoint(Array.from(t.embedding), t.id);
      this.nativeLabels.add(t.id);
    }
  }

  private meta(sha256: string): IndexMeta {
    return { embedderId: this.embedderId, dimension: this.dimension, m: INDEX_M, generation: this.generation, count: this.templateCount, sha256 };
  }

  /** Writes index and meta synchronously (start-up, explicit rebuilds). */
  persistSync(): void {
    if (!this.indexPath || this.options.readOnly) return;
    ensurePrivateFolder(dirname(this.indexPath), { tighten: true });
    const temporary = `${this.indexPath}.tmp`;
    // hnswlib truncates an existing file and keeps its mode: created 0600 first, never readable by others even while written.
    ensurePrivateFile(temporary);
    this.index.writeIndexSync(temporary);
    this.fileSha256 = fileSha256Sync(temporary);
    replaceFile(temporary, this.indexPath);
    writeMeta(this.indexPath, this.meta(this.fileSha256));
  }

  /** The index written by hnswlib's asynchronous writer (libuv thread pool): the event loop keeps turning. */
  private async writeFiles(): Promise<void> {
    if (!this.indexPath || this.options.readOnly) return;
    ensurePrivateFolder(dirname(this.indexPath), { tighten: true });
    const temporary = `${this.indexPath}.tmp`;
    const generation = this.generation, count = this.templateCount;
    ensurePrivateFile(temporary);
    await this.index.writeIndex(temporary);
    const sha256 = await fileSha256(temporary);
    await replaceFileAsync(temporary, this.indexPath);
    this.fileSha256 = sha256;
    writeMeta(this.indexPath, { ...this.meta(sha256), generation, count });
  }

  /** Runs a native change (or a write) after those before it; counted so `add` knows when it may run at once. */
  private native<T>(task: () => Promise<T> | T): Promise<T> {
    this.busy++;
    return this.maintenance.run(async () => {
      try {
        return await task();
      } finally {
        this.busy--;
      }
    });
  }

  /**
   * A write of everything changed so far, after what is queued: several changes made while
   * one write runs share the next one.
   */
  private persistSoon(): Promise<void> {
    if (!this.indexPath || this.options.readOnly) return Promise.resolve();
    this.pendingPersist ??= this.native(async () => {
      this.pendingPersist = null;
      await this.writeFiles();
    });
    return this.pendingPersist;
  }

  /** Resolves when every queued native change and write is done. */
  async idle(): Promise<void> {
    while (this.busy > 0) await this.maintenance.run(async () => undefined);
  }

  private trackTemplate(t: GalleryTemplate): void {
    this.personOfTemplate.set(t.id, t.personId);
    const entry = this.templateSums.get(t.personId) ?? { sum: new Float32Array(this.dimension), count: 0 };
    for (let i = 0; i < this.dimension; i++) entry.sum[i]! += t.embedding[i]!;
    entry.count++;
    this.templateSums.set(t.personId, entry);
    this.refreshCentroid(t.personId);
  }

  private refreshCentroid(personId: number): void {
    const entry = this.templateSums.get(personId);
    if (!entry || entry.count === 0) {
      this.templateSums.delete(personId);
      this.centroids.delete(personId);
      return;
    }
    let norm = 0;
    for (let i = 0; i < this.dimension; i++) norm += entry.sum[i]! * entry.sum[i]!;
    norm = Math.sqrt(norm) || 1;
    this.centroids.set(personId, entry.sum.map((v) => v / norm));
  }

  /** Puts templates into the native index: a tombstoned label (id reused, or a reactivated person) is revived in its own slot. */
  private addNative(templates: GalleryTemplate[]): void {
    for (const t of templates) {
      const vector = Array.from(t.embedding);
      if (this.tombstones.has(t.id)) {
        this.index.unmarkDelete(t.id);
        this.index.addPoint(vector, t.id); // an existing label: its vector is rewritten in place
        this.tombstones.delete(t.id);
        continue;
      }
      if (this.index.getCurrentCount() >= this.capacity) {
        this.capacity = Math.max(1024, this.capacity * 2);
        this.index.resizeIndex(this.capacity);
      }
      this.index.addPoint(vector, t.id);
      this.nativeLabels.add(t.id);
    }
  }

  /**
   * Adds freshly stored templates (their SQLite transaction has committed). Searchable when this
   * returns if no native work is queued (the usual case), else when the promise resolves. The file
   * is rewritten in the background (a stale file is rebuilt from SQLite at start).
   */
  add(templates: GalleryTemplate[], generation: number): Promise<void> {
    const apply = () => {
      this.addNative(templates);
      for (const t of templates) this.trackTemplate(t);
      this.generation = generation;
      void this.persistSoon().catch(() => undefined);
    };
    if (this.busy === 0) {
      apply();
      return Promise.resolve();
    }
    return this.native(apply);
  }

  /**
   * Takes templates out of matching at once (synchronously): their labels are no longer
   * resolved to a person and their persons' centroids are recomputed from `remainingOf`
   * (empty for an erased person). Their native slots stay until `scrub` or `deactivate`.
   */
  forget(templateIds: number[], remainingOf: (personId: number) => GalleryTemplate[] = () => []): void {
    const touched = new Set<number>();
    for (const id of templateIds) {
      const personId = this.personOfTemplate.get(id);
      if (personId === undefined) continue;
      this.personOfTemplate.delete(id);
      touched.add(personId);
    }
    for (const personId of touched) {
      this.templateSums.delete(personId);
      this.centroids.delete(personId);
      for (const t of remainingOf(personId)) if (this.personOfTemplate.get(t.id) === personId) this.trackTemplate(t);
    }
  }

  /**
   * Erasure of forgotten templates from the native index and its file: each vector is overwritten
   * in place with random bytes, the slot marked deleted, and the file rewritten off the event
   * loop. Resolves once the file on disk no longer holds them.
   */
  async scrub(templateIds: number[], generation: number): Promise<void> {
    this.forget(templateIds);
    const written = await this.native(async () => {
      // A template enrolled again under the same id since (SQLite reuses the highest ids) is live: leave it.
      const labels = templateIds.filter((id) => this.nativeLabels.has(id) && !this.personOfTemplate.has(id));
      const inWorker = labels.length > 0 && this.indexPath !== null && !this.options.readOnly;
      if (inWorker) await this.scrubInWorker(labels);
      else if (labels.length > 0) await this.scrubHere(labels);
      this.generation = generation;
      // The worker's file is the index as it is now: only the meta needs the new generation (and its hash).
      if (inWorker) writeMeta(this.indexPath!, this.meta(this.fileSha256!));
      return inWorker;
    });
    if (!written) await this.persistSoon();
  }

  /** The overwrite in this thread (no index file: tests, in-memory galleries), yielding between slots. */
  private async scrubHere(labels: number[]): Promise<void> {
    for (const [i, id] of labels.entries()) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.tombstones.has(id)) this.index.unmarkDelete(id); // deactivated before (bytes kept): revive to overwrite
      this.index.addPoint(randomUnitVector(this.dimension), id);
      this.index.markDelete(id);
      this.tombstones.add(id);
    }
  }

  /**
   * Rewriting a slot repairs its neighbours' links: ~40 ms per template at 10k here, up to
   * ~0.6 s at 100k, too long for the event loop. So: the slots are marked deleted here (cheap),
   * the current index is written (async), a worker thread loads that file, overwrites the slots,
   * writes it back, and this thread loads the result (async) and swaps it in. Native changes
   * wait meanwhile (the maintenance queue); searches go on in the old index.
   */
  private async scrubInWorker(labels: number[]): Promise<void> {
    for (const id of labels) {
      if (!this.tombstones.has(id)) this.index.markDelete(id);
      this.tombstones.add(id);
    }
    await this.writeFiles();
    const scrubbedPath = `${this.indexPath}.scrubbed`;
    await runIndexScrubWorker({ path: this.indexPath!, out: scrubbedPath, dimension: this.dimension, labels });
    const fresh = new HierarchicalNSW('cosine', this.dimension);
    await fresh.readIndex(scrubbedPath, true);
    fresh.setEf(INDEX_EF_SEARCH);
    this.index = fresh;
    this.capacity = fresh.getMaxElements();
    const sha256 = await fileSha256(scrubbedPath);
    await replaceFileAsync(scrubbedPath, this.indexPath!);
    this.fileSha256 = sha256;
  }

  /** A deactivated person's templates leave matching at once; their slots are marked deleted (bytes kept: SQLite still has them). */
  async deactivate(templateIds: number[], generation: number): Promise<void> {
    this.forget(templateIds);
    await this.native(() => {
      for (const id of templateIds) {
        if (!this.nativeLabels.has(id) || this.tombstones.has(id) || this.personOfTemplate.has(id)) continue;
        this.index.markDelete(id);
        this.tombstones.add(id);
      }
      this.generation = generation;
    });
    await this.persistSoon();
  }

  /**
   * Forgets templates. markDelete hides them from search; for erasure the
   * caller uses `scrub` so the vector bytes leave the file too.
   */
  remove(templateIds: number[], templatesOfPerson: (personId: number) => GalleryTemplate[], generation: number): Promise<void> {
    this.forget(templateIds, templatesOfPerson);
    return this.native(() => {
      for (const id of templateIds) {
        if (!this.nativeLabels.has(id) || this.tombstones.has(id) || this.personOfTemplate.has(id)) continue;
        this.index.markDelete(id);
        this.tombstones.add(id);
      }
      this.generation = generation;
    }).then(() => this.persistSoon());
  }

  /** Candidate persons for a probe, each scored by cosine similarity to the person's centroid. */
  candidates(probe: Float32Array): CandidateScore[] {
    const live = this.templateCount;
    if (live === 0) return [];
    const k = Math.min(CANDIDATE_TEMPLATES, live);
    const result = this.index.searchKnn(Array.from(probe), k);
    const persons = new Set<number>();
    for (const label of result.neighbors) {
      // Forgotten templates (erased, deactivated) may still be in the native index until scrubbed: never a candidate.
      const personId = this.personOfTemplate.get(label);
      if (personId !== undefined) persons.add(personId);
    }
    return [...persons].map((personId) => ({ personId, score: dot(probe, this.centroids.get(personId)!) }));
  }

  identify(probe: Float32Array, policy: MatchPolicy): MatchDecision {
    return decideMatch(this.candidates(probe), policy);
  }

  /** Deletes the persisted files (used when the index must be rebuilt from scratch). */
  deletePersisted(): void {
    if (!this.indexPath) return;
    rmSync(this.indexPath, { force: true });
    rmSync(`${this.indexPath}.meta.json`, { force: true });
  }
}

/**
 * The worker's code (eval, so it runs the same from the TypeScript sources and the built app):
 * load the index file, overwrite each label's vector with random bytes, mark it deleted, write.
 */
const INDEX_SCRUB_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const { HierarchicalNSW } = require(workerData.hnswlib);
try {
  const index = new HierarchicalNSW('cosine', workerData.dimension);
  index.readIndexSync(workerData.path, true);
  for (const label of workerData.labels) {
    try { index.unmarkDelete(label); } catch (e) { /* not deleted */ }
    const bytes = randomBytes(workerData.dimension * 4);
    const v = Array.from({ length: workerData.dimension }, (_, i) => bytes.readInt32LE(i * 4) / 2147483648);
    index.addPoint(v, label);
    index.markDelete(label);
  }
  index.writeIndexSync(workerData.out);
  parentPort.postMessage({ ok: true });
} catch (error) {
  parentPort.postMessage({ ok: false, message: String((error && error.message) || error) });
}
`;

function runIndexScrubWorker(job: { path: string; out: string; dimension: number; labels: number[] }): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(INDEX_SCRUB_WORKER, { eval: true, workerData: { ...job, hnswlib: requireHere.resolve('hnswlib-node') } });
    let settled = false;
    worker.once('message', (message: { ok: true } | { ok: false; message: string }) => {
      settled = true;
      if (message.ok) resolve();
      else reject(new Error(`vector index scrub failed: ${message.message}`));
    });
    worker.once('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`vector index scrub worker stopped (exit ${code})`));
    });
  });
}

/** Random bytes shaped as a unit vector: what an erased template's slot holds instead of the face. */
function randomUnitVector(dimension: number): number[] {
  const bytes = randomBytes(dimension * 4);
  const v = Array.from({ length: dimension }, (_, i) => bytes.readInt32LE(i * 4) / 2 ** 31);
  const norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** temp (0600) -> fsync -> rename -> fsync folder: a crash leaves the old file or the new one, whole. */
function replaceFile(temporary: string, path: string): void {
  if (process.platform !== 'win32') chmodSync(temporary, 0o600);
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  if (process.platform !== 'win32') {
    const folder = openSync(dirname(path), 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  }
}

/** replaceFile with the fsyncs off the event loop (a 250 MB index takes a while to reach the disk). */
async function replaceFileAsync(temporary: string, path: string): Promise<void> {
  if (process.platform !== 'win32') chmodSync(temporary, 0o600);
  const file = await open(temporary, 'r');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  renameSync(temporary, path);
  if (process.platform !== 'win32') {
    const folder = await open(dirname(path), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}

/** SHA-256 of a file read in 1 MiB pieces (start-up and explicit rebuilds). */
function fileSha256Sync(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The same, read by the libuv thread pool a piece at a time (the event loop only hashes each piece). */
async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function writeMeta(indexPath: string, meta: IndexMeta): void {
  writeFileDurably(`${indexPath}.meta.json`, JSON.stringify(meta));
}
