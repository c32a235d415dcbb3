/**
 * The guard's wall: which rectangle each camera gets on the screen.
 *
 * Pure maths (no DOM): given the area below the tab bar and the cameras' aspect ratios, returns
 * cell rectangles that tile the area (only thin gaps between them), so the wall fills the screen.
 * Each picture letterboxes inside its cell. More cameras than cells are split into pages.
 */

export const wallLayoutIds = ['auto', '1x1', '2x2', '3x3', '4x4', '1+5', '1+7'] as const;
export type WallLayoutId = (typeof wallLayoutIds)[number];

export const wallLayoutWords: Record<WallLayoutId, string> = {
  auto: 'Automatic',
  '1x1': '1 camera',
  '2x2': '2 × 2',
  '3x3': '3 × 3',
  '4x4': '4 × 4',
  '1+5': '1 large + 5',
  '1+7': '1 large + 7',
};

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WallArea {
  width: number;
  height: number;
}

export interface WallCell extends Rect {
  /** Index into the camera list of the camera shown here, or null for an empty cell. */
  cameraIndex: number | null;
}

export interface WallPlan {
  cells: WallCell[];
  page: number;
  pageCount: number;
  /** How many cameras one page holds. */
  perPage: number;
}

export const DEFAULT_ASPECT = 16 / 9;
/** Automatic layouts put at most this many cameras on one page (a 4 × 4 wall). */
export const AUTO_MAX_PER_PAGE = 16;

export function isWallLayoutId(value: unknown): value is WallLayoutId {
  return typeof value === 'string' && (wallLayoutIds as readonly string[]).includes(value);
}

/** A camera's aspect ratio, or 16:9 when it is unknown or not a usable number. */
export function aspectOrDefault(aspect: number | null | undefined): number {
  return typeof aspect === 'number' && Number.isFinite(aspect) && aspect > 0.1 && aspect < 10 ? aspect : DEFAULT_ASPECT;
}

/** The picture's area once letterboxed into a cell. */
export function letterboxedArea(cell: { width: number; height: number }, aspect: number): number {
  const width = Math.min(cell.width, cell.height * aspect);
  return width * (width / aspect);
}

/** Where a `frameWidth` x `frameHeight` picture lands when letterboxed ("contain") into a box. */
export function fitContain(frameWidth: number, frameHeight: number, boxWidth: number, boxHeight: number): Rect & { scale: number } {
  if (!(frameWidth > 0) || !(frameHeight > 0) || !(boxWidth > 0) || !(boxHeight > 0)) return { x: 0, y: 0, width: 0, height: 0, scale: 0 };
  const scale = Math.min(boxWidth / frameWidth, boxHeight / frameHeight);
  const width = frameWidth * scale;
  const height = frameHeight * scale;
  return { x: (boxWidth - width) / 2, y: (boxHeight - height) / 2, width, height, scale };
}

/** Fixed layouts as fractions of a `span` x `span` grid: [column, row, columns, rows]. */
type GridCell = readonly [number, number, number, number];

function squareGrid(n: number): GridCell[] {
  const cells: GridCell[] = [];
  for (let row = 0; row < n; row++) for (let column = 0; column < n; column++) cells.push([column, row, 1, 1]);
  return cells;
}

/** One big cell in the top-left corner, small cells down the right side and along the bottom. */
function bigPlusRing(span: number): GridCell[] {
  const cells: GridCell[] = [[0, 0, span - 1, span - 1]];
  for (let row = 0; row < span - 1; row++) cells.push([span - 1, row, 1, 1]);
  for (let column = 0; column < span; column++) cells.push([column, span - 1, 1, 1]);
  return cells;
}

const fixedLayouts: Record<Exclude<WallLayoutId, 'auto'>, { span: number; cells: GridCell[] }> = {
  '1x1': { span: 1, cells: squareGrid(1) },
  '2x2': { span: 2, cells: squareGrid(2) },
  '3x3': { span: 3, cells: squareGrid(3) },
  '4x4': { span: 4, cells: squareGrid(4) },
  '1+5': { span: 3, cells: bigPlusRing(3) },
  '1+7': { span: 4, cells: bigPlusRing(4) },
};

/** How many cameras one page of a layout holds (automatic: up to 16, fewer when there are fewer cameras). */
export function camerasPerPage(layout: WallLayoutId, cameraCount: number): number {
  if (layout === 'auto') return Math.max(1, Math.min(AUTO_MAX_PER_PAGE, cameraCount));
  return fixedLayouts[layout].cells.length;
}

/** Grid lines placed so `count` tracks with `gap` between them fill `length` exactly (whole pixels). */
function trackEdges(start: number, length: number, count: number, gap: number): number[] {
  const usable = Math.max(0, length - gap * (count - 1));
  const edges: number[] = [];
  for (let i = 0; i <= count; i++) edges.push(start + Math.round((usable * i) / count) + gap * i);
  return edges;
}

function fixedCells(layout: Exclude<WallLayoutId, 'auto'>, area: WallArea, gap: number): Rect[] {
  const { span, cells } = fixedLayouts[layout];
  const xs = trackEdges(0, area.width, span, gap);
  const ys = trackEdges(0, area.height, span, gap);
  return cells.map(([column, row, columns, rows]) => {
    const x = xs[column]!;
    const y = ys[row]!;
    // A cell spanning several tracks also spans the gaps between them.
    const right = xs[column + columns]! - gap;
    const bottom = ys[row + rows]! - gap;
    return { x, y, width: right - x, height: bottom - y };
  });
}

/** Splits `count` cameras into `rows` rows as evenly as possible (the first rows take the extra ones). */
function rowSizes(count: number, rows: number): number[] {
  const sizes: number[] = [];
  for (let row = 0; row < rows; row++) sizes.push(Math.floor(count / rows) + (row < count % rows ? 1 : 0));
  return sizes;
}

function rowCells(sizes: readonly number[], area: WallArea, gap: number): Rect[] {
  const ys = trackEdges(0, area.height, sizes.length, gap);
  const cells: Rect[] = [];
  sizes.forEach((size, row) => {
    const xs = trackEdges(0, area.width, size, gap);
    for (let column = 0; column < size; column++) {
      cells.push({ x: xs[column]!, y: ys[row]!, width: xs[column + 1]! - gap - xs[column]!, height: ys[row + 1]! - gap - ys[row]! });
    }
  });
  return cells;
}

/**
 * Automatic layout: cameras in rows (each row split evenly across the full width), choosing the
 * number of rows that shows the most picture once every camera is letterboxed in its cell. Rows
 * always span the full width, so the cells cover the whole area whatever the count.
 */
function autoCells(aspects: readonly number[], area: WallArea, gap: number): Rect[] {
  const count = aspects.length;
  let best: Rect[] = [];
  let bestArea = -1;
  for (let rows = 1; rows <= count; rows++) {
    const cells = rowCells(rowSizes(count, rows), area, gap);
    const shown = cells.reduce((sum, cell, i) => sum + letterboxedArea(cell, aspects[i]!), 0);
    // Strictly more picture wins: on a tie the fewer, wider rows stay.
    if (shown > bestArea * 1.0001) {
      best = cells;
      bestArea = shown;
    }
  }
  return best;
}

export interface WallRequest {
  layout: WallLayoutId;
  area: WallArea;
  /** One entry per camera, in wall order; null for unknown (16:9 is assumed). */
  aspects: ReadonlyArray<number | null | undefined>;
  /** The page to show (clamped into range). */
  page?: number;
  /** Pixels between cells. */
  gap?: number;
}

/** The cells of one page of the wall. Never throws: a zero area gives zero-sized cells, no cameras an empty page. */
export function planWall(request: WallRequest): WallPlan {
  const gap = Math.max(0, request.gap ?? 4);
  const area = { width: Math.max(0, Math.floor(request.area.width)), height: Math.max(0, Math.floor(request.area.height)) };
  const total = request.aspects.length;
  const perPage = camerasPerPage(request.layout, total);
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const page = Math.min(pageCount - 1, Math.max(0, Math.floor(request.page ?? 0)));
  const first = page * perPage;
  const onPage = Math.max(0, Math.min(perPage, total - first));

  let rects: Rect[];
  if (request.layout === 'auto') {
    if (onPage === 0) return { cells: [], page, pageCount, perPage };
    const aspects = request.aspects.slice(first, first + onPage).map(aspectOrDefault);
    rects = autoCells(aspects, area, gap);
  } else {
    rects = fixedCells(request.layout, area, gap);
  }
  const cells = rects.map((rect, i) => ({ ...rect, cameraIndex: i < onPage ? first + i : null }));
  return { cells, page, pageCount, perPage };
}

/** A single cell filling the whole area: one camera maximised. */
export function maximisedCell(area: WallArea): Rect {
  return { x: 0, y: 0, width: Math.max(0, Math.floor(area.width)), height: Math.max(0, Math.floor(area.height)) };
}

/**
 * The wall's camera order: the saved order first (ids no longer present are dropped), then any
 * camera not in it yet, in the order the engine lists them.
 */
export function arrangeCameras(savedOrder: readonly number[], cameraIds: readonly number[]): number[] {
  const present = new Set(cameraIds);
  const seen = new Set<number>();
  const order: number[] = [];
  for (const id of savedOrder) {
    if (present.has(id) && !seen.has(id)) {
      order.push(id);
      seen.add(id);
    }
  }
  for (const id of cameraIds) {
    if (!seen.has(id)) {
      order.push(id);
      seen.add(id);
    }
  }
  return order;
}

/** Moves the camera `id` one place earlier (-1) or later (+1) in `order`; unchanged at the ends. */
export function moveCamera(order: readonly number[], id: number, by: -1 | 1): number[] {
  const from = order.indexOf(id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= order.length) return order.slice();
  const next = order.slice();
  next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}

/** Area of a rectangle intersection (0 when they do not meet). */
export function intersectionArea(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}
