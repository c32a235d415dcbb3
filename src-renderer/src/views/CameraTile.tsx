import { useEffect, useRef, useState } from 'react';
import type { Camera } from '../../../src-preload/contract';
import { base64ToBytes } from '../lib/files';
import { faceLabel, formatFps, statusColours } from '../lib/format';
import { useLive, type LiveFrame } from '../store/live';
import { useCameraFlashing } from '../store/alerts';

async function decodeJpeg(jpegBase64: string): Promise<ImageBitmap> {
  const blob = new Blob([base64ToBytes(jpegBase64)], { type: 'image/jpeg' });
  return createImageBitmap(blob);
}

/**
 * Draws one frame and exactly that frame's faces. Boxes are in the frame's
 * pixel space (frame.width x frame.height); the canvas uses that space too and
 * CSS scales it, so boxes and image always line up.
 */
function drawFrame(canvas: HTMLCanvasElement, frame: LiveFrame, image: ImageBitmap | null) {
  const width = frame.width || image?.width || 640;
  const height = frame.height || image?.height || 360;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  if (image) ctx.drawImage(image, 0, 0, width, height);

  const line = Math.max(2, Math.round(width / 260));
  // Tiles show frames scaled down, so labels are drawn large enough to stay readable.
  const fontSize = Math.max(14, Math.round(width / 32));
  ctx.font = `600 ${fontSize}px system-ui, -apple-system, "Segoe UI", sans-serif`;
  ctx.textBaseline = 'top';
  for (const face of frame.faces) {
    const colour = statusColours[face.status] ?? statusColours.unknown;
    const { x, y, width: w, height: h } = face.bbox;
    ctx.lineWidth = line;
    ctx.strokeStyle = colour;
    ctx.strokeRect(x, y, w, h);

    const text = faceLabel(face);
    const pad = Math.round(fontSize * 0.3);
    const textWidth = ctx.measureText(text).width;
    const boxH = fontSize + pad * 2;
    const labelX = Math.min(Math.max(0, x - line / 2), Math.max(0, width - textWidth - pad * 2));
    // Above the box when there is room, otherwise just inside its top edge.
    const labelY = y - boxH >= 0 ? y - boxH : Math.min(height - boxH, Math.max(0, y));
    ctx.fillStyle = colour;
    ctx.fillRect(labelX, labelY, textWidth + pad * 2, boxH);
    ctx.fillStyle = face.status === 'blocked' ? '#ffffff' : '#111111';
    ctx.fillText(text, labelX + pad, labelY + pad);
  }
}

const stateWords: Record<Camera['health']['state'], string> = {
  stopped: 'Stopped',
  starting: 'Starting',
  running: 'Running',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
};

function placeholderText(camera: Camera): string {
  switch (camera.health.state) {
    case 'running':
      return 'Waiting for the first analysed frame…';
    case 'starting':
      return 'Starting the camera…';
    case 'reconnecting':
      return 'Reconnecting to the camera…';
    case 'failed':
      return 'The camera failed. See the error below, or check it on the Cameras tab.';
    default:
      return 'Camera stopped. Start it on the Cameras tab.';
  }
}

export function CameraHealthLine({ camera }: { camera: Camera }) {
  const h = camera.health;
  return (
    <p className="health" data-testid={`camera-health-${camera.id}`} data-state={h.state}>
      <span className={`state state-${h.state}`}>{stateWords[h.state] ?? h.state}</span>
      <span>{formatFps(h.processedFps)} fps processed</span>
      <span>{h.droppedFrames} dropped</span>
      {h.latencyMs !== null ? <span>{Math.round(h.latencyMs)} ms latency</span> : null}
      {h.lastError ? <span className="health-error">Last error: {h.lastError}</span> : null}
    </p>
  );
}

export function CameraTile({ camera, active }: { camera: Camera; active: boolean }) {
  const frame = useLive((s) => s.frames[camera.id]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState<LiveFrame | null>(null);
  const [decodeError, setDecodeError] = useState<string | null>(null);
  // Decode at most one JPEG at a time and always skip to the newest frame.
  const pump = useRef<{ busy: boolean; next: LiveFrame | null; alive: boolean }>({ busy: false, next: null, alive: true });

  useEffect(() => {
    const state = pump.current;
    state.alive = true;
    return () => {
      state.alive = false;
    };
  }, []);

  // The frame was dropped (camera stopped or failed): nothing queued is current any more.
  useEffect(() => {
    if (!frame) pump.current.next = null;
  }, [frame]);

  useEffect(() => {
    if (!frame || !active) return;
    const state = pump.current;
    state.next = frame;
    if (state.busy) return;
    state.busy = true;
    void (async () => {
      while (state.next && state.alive) {
        const current = state.next;
        state.next = null;
        let image: ImageBitmap | null = null;
        let failure: string | null = null;
        try {
          image = await decodeJpeg(current.jpegBase64);
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        const canvas = canvasRef.current;
        if (state.alive && canvas) {
          drawFrame(canvas, current, image);
          setDrawn(current);
          setDecodeError(failure ? `This frame could not be decoded (${failure}).` : null);
        }
        image?.close();
      }
      state.busy = false;
    })();
  }, [frame, active]);

  // With no current frame (camera stopped or failed), what was drawn is no longer shown.
  const shown = frame ? drawn : null;
  const shownError = frame ? decodeError : null;
  const faces = shown?.faces ?? [];
  const titleId = `tile-title-${camera.id}`;
  const flashing = useCameraFlashing(camera.id);

  return (
    <article className={flashing ? 'tile tile-alert-flash' : 'tile'} data-flashing={flashing} aria-labelledby={titleId} data-testid={`camera-tile-${camera.id}`}>
      <header className="tile-head">
        <h3 id={titleId}>{camera.name}</h3>
        <span className="tile-count">{shown ? `${faces.length} ${faces.length === 1 ? 'face' : 'faces'}` : ''}</span>
      </header>
      <div className="tile-video">
        <canvas
          ref={canvasRef}
          width={shown?.width || 640}
          height={shown?.height || 360}
          role="img"
          aria-label={`Live view of ${camera.name}`}
          data-testid={`live-canvas-${camera.id}`}
          data-frame-seq={shown?.frameSeq ?? ''}
          hidden={!shown}
        />
        {!shown ? (
          <div className="tile-placeholder">
            {placeholderText(camera)}
          </div>
        ) : null}
      </div>
      <ul className="face-labels" aria-label={`Faces on ${camera.name}`} data-testid={`live-labels-${camera.id}`}>
        {faces.map((face, index) => (
          <li key={`${face.trackId ?? 'i'}-${index}`} data-status={face.status}>
            <span className="swatch" style={{ background: statusColours[face.status] }} aria-hidden="true" />
            {faceLabel(face)}
          </li>
        ))}
      </ul>
      {shown && faces.length === 0 ? <p className="muted small">No faces in view.</p> : null}
      {shownError ? <p className="note note-warn">{shownError}</p> : null}
      <CameraHealthLine camera={camera} />
    </article>
  );
}
