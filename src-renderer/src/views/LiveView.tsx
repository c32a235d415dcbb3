import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { useCameras } from '../store/cameras';
import { useLive } from '../store/live';
import { tourChoices, useWall } from '../store/wall';
import { EmptyState, ErrorNote } from '../components/Notice';
import { CameraTile } from './CameraTile';
import { AlertCards } from '../components/AlertCards';
import { statusColours, statusWords } from '../lib/format';
import type { FaceStatus } from '../../../src-preload/contract';
import { arrangeCameras, camerasPerPage, maximisedCell, planWall, wallLayoutIds, wallLayoutWords, type WallCell, type WallLayoutId } from '../live/wall-layout';
import { camerasInView, groupInView, nextTourStop, pageCountFor, tourHasStops, touredGroupIds, visibleNeighbour } from '../live/wall-groups';
import type { Camera } from '../../../src-preload/contract';
import { GroupSelect, GroupsDialog } from './WallGroups';
import { useLastSeen } from '../store/findPerson';
import { WallFindBox, WallFindResults } from './WallFind';

const DRAG_TYPE = 'application/x-vigil-camera';

function useSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = () => {
      const width = element.clientWidth;
      const height = element.clientHeight;
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/** Enters or leaves fullscreen: the in-page mode always, the browser's Fullscreen API where it is allowed. */
function setWallFullscreen(on: boolean) {
  useWall.getState().setFullscreen(on);
  if (on) {
    if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(() => {
        // Not allowed here (no user gesture, a policy, a kiosk window): the in-page mode is enough.
      });
    }
  } else if (document.fullscreenElement && document.exitFullscreen) {
    document.exitFullscreen().catch(() => undefined);
  }
}

/** What the label colours mean (blocked and member labels both carry a name: the colour tells them apart). */
function Legend() {
  return (
    <ul className="legend legend-compact" aria-label="Label colours">
      {(Object.keys(statusColours) as FaceStatus[]).map((status) => (
        <li key={status}>
          <span className="swatch" style={{ background: statusColours[status] }} aria-hidden="true" />
          {statusWords[status]}
        </li>
      ))}
    </ul>
  );
}

interface WallToolsProps {
  pageCount: number;
  page: number;
  floating: boolean;
  /** The group actually shown (null: all cameras). */
  groupInView: string | null;
  /** Cameras in wall order, for the groups dialog. */
  cameras: readonly Camera[];
  editingGroups: boolean;
  setEditingGroups(open: boolean): void;
}

function WallTools({ pageCount, page, floating, groupInView, cameras, editingGroups, setEditingGroups }: WallToolsProps) {
  const layout = useWall((s) => s.layout);
  const showScores = useWall((s) => s.showScores);
  const fullscreen = useWall((s) => s.fullscreen);
  const tourSeconds = useWall((s) => s.tourSeconds);
  const hasGroups = useWall((s) => s.groups.length > 0);
  const groupsButton = useRef<HTMLButtonElement>(null);
  const wall = useWall.getState();
  return (
    <div className={floating ? 'wall-tools wall-tools-floating' : 'wall-tools'} role="toolbar" aria-label="Wall" data-testid="wall-tools">
      <WallFindBox />
      <Legend />
      <GroupSelect groupInView={groupInView} />
      <button
        type="button"
        className="btn btn-small"
        ref={groupsButton}
        aria-haspopup="dialog"
        aria-expanded={editingGroups}
        onClick={() => setEditingGroups(true)}
        data-testid="wall-groups-open"
      >
        Groups…
      </button>
      {editingGroups ? (
        <GroupsDialog
          cameras={cameras}
          onClose={() => {
            setEditingGroups(false);
            groupsButton.current?.focus();
          }}
        />
      ) : null}
      <label className="wall-tool">
        <span>Layout</span>
        <select value={layout} onChange={(event) => wall.setLayout(event.target.value as WallLayoutId)} data-testid="wall-layout">
          {wallLayoutIds.map((id) => (
            <option key={id} value={id}>
              {wallLayoutWords[id]}
            </option>
          ))}
        </select>
      </label>
      {pageCount > 1 ? (
        <span className="wall-pages">
          <button type="button" className="btn btn-small" onClick={() => wall.setPage(page - 1)} disabled={page === 0} aria-keyshortcuts="PageUp">
            ‹ <span className="sr-only">Previous page</span>
          </button>
          <span data-testid="wall-page" aria-live="polite">
            Page {page + 1} of {pageCount}
          </span>
          <button type="button" className="btn btn-small" onClick={() => wall.setPage(page + 1)} disabled={page >= pageCount - 1} aria-keyshortcuts="PageDown">
            › <span className="sr-only">Next page</span>
          </button>
        </span>
      ) : null}
      {pageCount > 1 || hasGroups || tourSeconds > 0 ? (
        <label className="wall-tool">
          <span>Tour</span>
          <select value={tourSeconds} onChange={(event) => wall.setTour(Number(event.target.value))} data-testid="wall-tour">
            {tourChoices.map((seconds) => (
              <option key={seconds} value={seconds}>
                {seconds === 0 ? 'Off' : `${seconds} s`}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="button" className="btn btn-small" aria-pressed={showScores} onClick={() => wall.setShowScores(!showScores)} data-testid="wall-details">
        Details
      </button>
      <button
        type="button"
        className="btn btn-small"
        aria-pressed={fullscreen}
        aria-keyshortcuts="F11"
        title={fullscreen ? 'Leave fullscreen (Esc)' : 'Fullscreen (F11)'}
        onClick={() => setWallFullscreen(!fullscreen)}
        data-testid="wall-fullscreen"
      >
        {fullscreen ? 'Leave fullscreen' : 'Fullscreen'}
      </button>
    </div>
  );
}

/** `toolsHost`: where the wall's controls go in the tab bar (App renders it); inline when null. */
export function LiveView({ active, onAddCamera, toolsHost = null }: { active: boolean; onAddCamera: () => void; toolsHost?: HTMLElement | null }) {
  const cameras = useCameras((s) => s.cameras);
  const loaded = useCameras((s) => s.loaded);
  const loading = useCameras((s) => s.loading);
  const error = useCameras((s) => s.error);
  const layout = useWall((s) => s.layout);
  const savedOrder = useWall((s) => s.order);
  const requestedPage = useWall((s) => s.page);
  const maximised = useWall((s) => s.maximised);
  const fullscreen = useWall((s) => s.fullscreen);
  const showScores = useWall((s) => s.showScores);
  const wallRef = useRef<HTMLDivElement>(null);
  const area = useSize(wallRef);
  const groups = useWall((s) => s.groups);
  const chosenGroup = useWall((s) => s.groupId);
  const [dragging, setDragging] = useState<number | null>(null);
  const [editingGroups, setEditingGroups] = useState(false);
  const highlightCameraId = useLastSeen((s) => s.highlightCameraId);
  const highlightLabel = useLastSeen((s) => s.highlightLabel);

  const ids = useMemo(() => cameras.map((c) => c.id), [cameras]);
  const byId = useMemo(() => new Map(cameras.map((c) => [c.id, c])), [cameras]);
  const orderedIds = useMemo(() => arrangeCameras(savedOrder, ids), [savedOrder, ids]);
  const allOrdered = useMemo(() => orderedIds.map((id) => byId.get(id)!), [orderedIds, byId]);
  // The cameras of the chosen group (all of them for none, or a group with no camera present), in wall order.
  const viewGroup = groupInView(orderedIds, groups, chosenGroup);
  const shownIds = useMemo(() => camerasInView(orderedIds, groups, chosenGroup), [orderedIds, groups, chosenGroup]);
  const ordered = useMemo(() => shownIds.map((id) => byId.get(id)!), [shownIds, byId]);
  // Aspect ratios from the latest frames, as a string so the wall re-plans only when one changes.
  const aspectKey = useLive((s) => ordered.map((c) => (s.frames[c.id] ? (s.frames[c.id]!.width / s.frames[c.id]!.height).toFixed(3) : '')).join(','));
  const aspects = useMemo(() => aspectKey.split(',').map((a) => (a ? Number(a) : null)), [aspectKey]);

  const maximisedPresent = maximised !== null && shownIds.includes(maximised);
  // A camera removed (or left out of the group shown) while maximised: back to the grid.
  useEffect(() => {
    if (maximised !== null && loaded && !shownIds.includes(maximised)) useWall.getState().maximise(null);
  }, [maximised, shownIds, loaded]);

  const plan = planWall({ layout, area, aspects: ordered.map((_, i) => aspects[i] ?? null), page: requestedPage });
  const pages = useRef({ page: plan.page, count: plan.pageCount });
  useEffect(() => {
    pages.current = { page: plan.page, count: plan.pageCount };
  });
  const cells: WallCell[] = maximisedPresent ? [{ ...maximisedCell(area), cameraIndex: ordered.findIndex((c) => c.id === maximised) }] : plan.cells;

  // Tour: every N seconds the next page of the view, then (with groups) the next view of the cycle
  // ("All cameras" unless left out, then each group); paused while one camera is maximised, the
  // groups are being edited or a searched person's camera is outlined.
  const tourSeconds = useWall((s) => s.tourSeconds);
  const tourIncludesAll = useWall((s) => s.tourIncludesAll);
  const toured = useMemo(() => touredGroupIds(orderedIds, groups), [orderedIds, groups]);
  const pagesOf = useCallback((groupId: string | null) => pageCountFor(layout, camerasInView(orderedIds, groups, groupId).length), [layout, orderedIds, groups]);
  const tour = useRef({ toured, pagesOf, groupId: viewGroup, tourIncludesAll });
  useEffect(() => {
    tour.current = { toured, pagesOf, groupId: viewGroup, tourIncludesAll };
  });
  const touring =
    active &&
    tourSeconds > 0 &&
    !maximisedPresent &&
    !editingGroups &&
    highlightCameraId === null &&
    tourHasStops({ groupId: viewGroup, page: plan.page }, toured, pagesOf, tourIncludesAll);
  useEffect(() => {
    if (!touring) return;
    const timer = setInterval(() => {
      const { toured, pagesOf, groupId, tourIncludesAll } = tour.current;
      const next = nextTourStop({ groupId, page: pages.current.page }, toured, pagesOf, tourIncludesAll);
      useWall.getState().showStop(next.groupId, next.page);
    }, tourSeconds * 1000);
    return () => clearInterval(timer);
  }, [touring, tourSeconds]);

  const focusTile = useCallback((id: number) => {
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="camera-tile-${id}"]`)?.focus());
  }, []);

  // A camera to highlight (a person's latest sighting) that is not on screen: show the view and page that hold it.
  const placeOf = useRef({ orderedIds, shownIds, groups, layout, maximised });
  useEffect(() => {
    placeOf.current = { orderedIds, shownIds, groups, layout, maximised };
  });
  useEffect(() => {
    if (highlightCameraId === null) return;
    const { orderedIds, shownIds, groups, layout, maximised } = placeOf.current;
    if (!orderedIds.includes(highlightCameraId)) return;
    const wall = useWall.getState();
    if (maximised !== null && maximised !== highlightCameraId) wall.maximise(null);
    const view = shownIds.includes(highlightCameraId) ? wall.groupId : null;
    const ids = camerasInView(orderedIds, groups, view);
    wall.showStop(view, Math.floor(ids.indexOf(highlightCameraId) / camerasPerPage(layout, ids.length)));
  }, [highlightCameraId, loaded]);

  const toggleMaximise = useCallback(
    (id: number) => {
      const wall = useWall.getState();
      wall.maximise(wall.maximised === id ? null : id);
      focusTile(id);
    },
    [focusTile],
  );

  useEffect(() => {
    if (!active) return;
    function onKey(event: KeyboardEvent) {
      const wall = useWall.getState();
      if (event.key === 'F11') {
        event.preventDefault();
        setWallFullscreen(!wall.fullscreen);
      } else if (event.key === 'Escape') {
        const found = useLastSeen.getState();
        if (wall.maximised !== null) {
          const id = wall.maximised;
          wall.maximise(null);
          focusTile(id);
        } else if (found.highlightCameraId !== null || found.answeredQuery !== null || found.error !== null) {
          // A person's search on the wall: Esc clears it (the highlight and the answer) before leaving fullscreen.
          found.clear();
        } else if (wall.fullscreen) {
          setWallFullscreen(false);
        }
      } else if ((event.key === 'PageDown' || event.key === 'PageUp') && !event.altKey && !event.ctrlKey) {
        const target = event.target as HTMLElement | null;
        if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
        event.preventDefault();
        const { page, count } = pages.current;
        wall.setPage(Math.min(count - 1, Math.max(0, page + (event.key === 'PageDown' ? 1 : -1))));
      }
    }
    // The browser's own Esc leaves its fullscreen without a key event: follow it.
    function onFullscreenChange() {
      if (!document.fullscreenElement && useWall.getState().fullscreen) useWall.getState().setFullscreen(false);
    }
    window.addEventListener('keydown', onKey);
    document.addEventListener('fullscreenchange', onFullscreenChange);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('fullscreenchange', onFullscreenChange);
    };
  }, [active, focusTile]);

  function onDrop(event: DragEvent<HTMLDivElement>, targetId: number) {
    const id = Number(event.dataTransfer.getData(DRAG_TYPE));
    setDragging(null);
    if (!Number.isInteger(id) || id === targetId) return;
    event.preventDefault();
    useWall.getState().moveTo(id, targetId, ids);
  }

  const tools = (
    <WallTools
      pageCount={maximisedPresent ? 1 : plan.pageCount}
      page={plan.page}
      floating={fullscreen}
      groupInView={viewGroup}
      cameras={allOrdered}
      editingGroups={editingGroups}
      setEditingGroups={setEditingGroups}
    />
  );

  return (
    <div className="wall-view">
      {active && cameras.length > 0 ? (fullscreen || !toolsHost ? tools : createPortal(tools, toolsHost)) : null}
      {error && !loaded ? <ErrorNote>Cameras could not be loaded. {error}</ErrorNote> : null}
      {!loaded && !error ? <EmptyState>{loading ? 'Loading cameras…' : 'Waiting for the engine…'}</EmptyState> : null}
      {loaded && cameras.length === 0 ? (
        <div className="empty-card">
          <p>No cameras yet — add one on the Cameras tab</p>
          <button type="button" className="btn" onClick={onAddCamera}>
            Go to Cameras
          </button>
        </div>
      ) : null}
      <div
        className="wall"
        ref={wallRef}
        hidden={cameras.length === 0}
        data-testid="wall"
        data-layout={maximisedPresent ? 'maximised' : layout}
        data-page={plan.page}
        data-page-count={plan.pageCount}
        data-group={viewGroup ?? ''}
      >
        {cells.map((cell, index) => {
          const camera = cell.cameraIndex !== null ? ordered[cell.cameraIndex] : undefined;
          const place = { left: cell.x, top: cell.y, width: cell.width, height: cell.height };
          if (!camera) return <div key={`empty-${index}`} className="wall-cell wall-cell-empty" style={place} data-testid="wall-cell" aria-hidden="true" />;
          return (
            <div
              key={camera.id}
              className={dragging === camera.id ? 'wall-cell wall-cell-dragging' : 'wall-cell'}
              style={place}
              data-testid="wall-cell"
              data-camera-id={camera.id}
              draggable={!maximisedPresent}
              onDragStart={(event) => {
                event.dataTransfer.setData(DRAG_TYPE, String(camera.id));
                event.dataTransfer.effectAllowed = 'move';
                setDragging(camera.id);
              }}
              onDragEnd={() => setDragging(null)}
              onDragOver={(event) => {
                if (event.dataTransfer.types.includes(DRAG_TYPE)) event.preventDefault();
              }}
              onDrop={(event) => onDrop(event, camera.id)}
            >
              <CameraTile
                camera={camera}
                active={active}
                showScores={showScores}
                maximised={maximisedPresent}
                lastSeenHere={camera.id === highlightCameraId ? (highlightLabel ?? 'the person searched for') : null}
                onToggleMaximise={() => toggleMaximise(camera.id)}
                onMove={(by) => {
                  // One visible place: within a group, past the neighbour shown, not a hidden camera.
                  const neighbour = visibleNeighbour(shownIds, camera.id, by);
                  if (neighbour !== null) useWall.getState().moveTo(camera.id, neighbour, ids);
                  focusTile(camera.id);
                }}
              />
            </div>
          );
        })}
      </div>
      {active ? <WallFindResults /> : null}
      {active ? <AlertCards /> : null}
    </div>
  );
}
