import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import hnswlib from 'hnswlib-node';
import { dot } from '../vision/geometry.js';
import { type CandidateScore, decideMatch, type MatchDecision, type MatchPolicy } from './match-decision.js';

const { HierarchicalNSW } = hnswlib;

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
}

/**
 * Enrolled faces of one embedder: an hnswlib index over every template
 * (labels = template ids) for fast candidate search, plus each person's
 * centroid, which scores better than any single template (measured on LFW).
 * The index is persisted beside the database and rebuilt from SQLite when it
 * is missing or its generation no longer matches the templates table.
 */
export class FaceGallery {
  private index: InstanceType<typeof HierarchicalNSW>;
  private capacity = 0;
  private readonly personOfTemplate = new Map<number, number>();
  private readonly templateSums = new Map<number, { sum: Float32Array; count: number }>();
  private readonly centroids = new Map<number, Float32Array>();
  private generation = -1;

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

  /** Loads the persisted index if it is current, otherwise rebuilds it from `templates`. Returns how it was obtained. */
  load(templates: GalleryTemplate[], generation: number): 'loaded' | 'rebuilt' {
    this.resetMemory();
    for (const t of templates) this.trackTemplate(t);
    this.generation = generation;
    if (this.indexPath && this.tryReadPersisted(templates.length)) return 'loaded';
    this.rebuildIndex(templates);
    this.persist();
    return 'rebuilt';
  }

  /**
   * Always builds a fresh index from `templates` and overwrites the persisted
   * one: after an erasure or a deactivation, removed vectors must not linger in
   * memory or in the file (markDelete keeps their bytes).
   */
  rebuild(templates: GalleryTemplate[], generation: number): void {
    this.resetMemory();
    for (const t of templates) this.trackTemplate(t);
    this.generation = generation;
    this.rebuildIndex(templates);
    this.persist();
  }

  private resetMemory(): void {
    this.personOfTemplate.clear();
    this.templateSums.clear();
    this.centroids.clear();
  }

  private tryReadPersisted(expectedCount: number): boolean {
    const metaPath = `${this.indexPath}.meta.json`;
    if (!existsSync(this.indexPath!) || !existsSync(metaPath)) return false;
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as IndexMeta;
      if (
        meta.embedderId !== this.embedderId ||
        meta.dimension !== this.dimension ||
        meta.m !== INDEX_M ||
        meta.generation !== this.generation ||
        meta.count !== expectedCount
      ) {
        return false;
      }
      if (expectedCount === 0) return false; // nothing to load: a fresh index is cheaper than reading one
      const index = new HierarchicalNSW('cosine', this.dimension);
      index.readIndexSync(this.indexPath!, true);
      this.index = index;
      this.index.setEf(INDEX_EF_SEARCH);
      this.capacity = index.getMaxElements();
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
    for (const t of templates) this.index.addPoint(Array.from(t.embedding), t.id);
  }

  /** Writes the index atomically (temp file + rename) with its generation. */
  persist(): void {
    if (!this.indexPath || this.options.readOnly) return;
    mkdirSync(dirname(this.indexPath), { recursive: true });
    const temporary = `${this.indexPath}.tmp`;
    this.index.writeIndexSync(temporary);
    renameSync(temporary, this.indexPath);
    const meta: IndexMeta = { embedderId: this.embedderId, dimension: this.dimension, m: INDEX_M, generation: this.generation, count: this.templateCount };
    writeFileSync(`${this.indexPath}.meta.json`, JSON.stringify(meta));
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

  /** Adds freshly stored templates (their SQLite transaction has committed). */
  add(templates: GalleryTemplate[], generation: number): void {
    for (const t of templates) {
      if (this.index.getCurrentCount() >= this.capacity) {
        this.capacity = Math.max(1024, this.capacity * 2);
        this.index.resizeIndex(this.capacity);
      }
      this.index.addPoint(Array.from(t.embedding), t.id, true);
      this.trackTemplate(t);
    }
    this.generation = generation;
    this.persist();
  }

  /**
   * Forgets templates. markDelete hides them from search; for erasure the
   * caller rebuilds the index (`load`) so the vector bytes leave the file too.
   */
  remove(templateIds: number[], templatesOfPerson: (personId: number) => GalleryTemplate[], generation: number): void {
    const touched = new Set<number>();
    for (const id of templateIds) {
      const personId = this.personOfTemplate.get(id);
      if (personId === undefined) continue;
      this.index.markDelete(id);
      this.personOfTemplate.delete(id);
      touched.add(personId);
    }
    for (const personId of touched) {
      this.templateSums.delete(personId);
      this.centroids.delete(personId);
      for (const t of templatesOfPerson(personId)) this.trackTemplate(t);
    }
    this.generation = generation;
    this.persist();
  }

  /** Candidate persons for a probe, each scored by cosine similarity to the person's centroid. */
  candidates(probe: Float32Array): CandidateScore[] {
    const live = this.templateCount;
    if (live === 0) return [];
    const k = Math.min(CANDIDATE_TEMPLATES, live);
    const result = this.index.searchKnn(Array.from(probe), k);
    const persons = new Set<number>();
    for (const label of result.neighbors) {
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
