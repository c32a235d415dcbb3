import { useCallback, useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ModelsAlert, TopBar } from './components/TopBar';
import { loadAll, startEngineSync } from './store/sync';
import { CamerasView } from './views/CamerasView';
import { EventsView } from './views/EventsView';
import { LiveView } from './views/LiveView';
import { PeopleView } from './views/PeopleView';
import { UnknownsView } from './views/UnknownsView';
import { AlertsView } from './views/AlertsView';
import { attentionCount, newestOpenAlert, useAlerts } from './store/alerts';
import { useSession } from './store/session';
import { getApi } from './api';
import type { Permission } from '../../src-preload/contract';
import { FirstRunScreen, PasswordPrompt, SignInScreen } from './views/SignIn';
import { OperatorsView } from './views/OperatorsView';
import { AuditView } from './views/AuditView';
import { AttendanceView } from './views/AttendanceView';
import { SettingsView } from './views/SettingsView';
import { useWall } from './store/wall';

/** Every tab and the permission it needs: a role sees only the tabs it may use. */
export const allTabs = [
  { id: 'live', label: 'Live', permission: 'live.view' },
  { id: 'events', label: 'Events', permission: 'sightings.read' },
  { id: 'people', label: 'People', permission: 'people.read' },
  { id: 'cameras', label: 'Cameras', permission: 'cameras.read' },
  { id: 'unknowns', label: 'Unknowns', permission: 'unknowns.read' },
  { id: 'alerts', label: 'Alerts', permission: 'alerts.read' },
  { id: 'settings', label: 'Settings', permission: 'alerts.configure' },
  { id: 'operators', label: 'Operators', permission: 'operators.manage' },
  { id: 'audit', label: 'Audit', permission: 'audit.read' },
  { id: 'attendance', label: 'Attendance', permission: 'attendance.read' },
] as const satisfies ReadonlyArray<{ id: string; label: string; permission: Permission }>;
export type TabId = (typeof allTabs)[number]['id'];
type Tab = (typeof allTabs)[number];

function tabFromHash(tabs: readonly Tab[]): TabId {
  const id = window.location.hash.replace(/^#\/?/, '');
  return tabs.find((t) => t.id === id)?.id ?? tabs[0]?.id ?? 'live';
}

/** How often the console checks for inactivity (the lock itself follows the site's idle timeout). */
const IDLE_CHECK_MS = 10_000;

/**
 * The gate: first run (create the admin), sign-in, or the console. A console locked by
 * inactivity stays mounted under the lock screen, so signing in again resumes it where it was;
 * another operator signing in gets a fresh one.
 */
export function App() {
  const phase = useSession((s) => s.phase);
  const operator = useSession((s) => s.operator);
  const lockedFor = useSession((s) => s.lockedFor);
  useEffect(() => {
    void useSession.getState().check();
    // Not signed in yet and the engine was unreachable (or restarted): ask again once it answers.
    return getApi().onConnection((info) => {
      const { phase, error } = useSession.getState();
      if (info.state === 'open' && (phase === 'checking' || ((phase === 'sign-in' || phase === 'setup') && error))) void useSession.getState().check();
    });
  }, []);
  const owner = phase === 'signed-in' ? operator?.name : phase === 'locked' ? lockedFor : null;
  return (
    <>
      {owner ? <Console key={owner} locked={phase !== 'signed-in'} /> : null}
      {phase === 'checking' ? (
        <div className="signin-screen" role="status">
          Connecting to Vigil…
        </div>
      ) : phase === 'setup' ? (
        <FirstRunScreen />
      ) : phase === 'sign-in' || phase === 'locked' ? (
        <SignInScreen key={phase} />
      ) : null}
      <PasswordPrompt />
    </>
  );
}

/** Locks the console after the site's idle timeout without a key press, click or pointer move. */
function useIdleLock(locked: boolean) {
  const idleMinutes = useSession((s) => s.idleTimeoutMinutes);
  useEffect(() => {
    if (locked) return;
    let last = Date.now();
    const active = () => {
      last = Date.now();
    };
    const kinds = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;
    for (const kind of kinds) window.addEventListener(kind, active, { passive: true });
    const timer = setInterval(() => {
      if (Date.now() - last >= idleMinutes * 60_000) void useSession.getState().lock('idle');
    }, IDLE_CHECK_MS);
    return () => {
      clearInterval(timer);
      for (const kind of kinds) window.removeEventListener(kind, active);
    };
  }, [locked, idleMinutes]);
}

function Console({ locked }: { locked: boolean }) {
  const permissions = useSession((s) => s.operator?.permissions);
  const tabs = allTabs.filter((t) => permissions?.includes(t.permission) ?? false);
  const [active, setActive] = useState<TabId>(() => tabFromHash(tabs));
  // Panels stay mounted once visited so half-filled forms survive a tab switch.
  const [visited, setVisited] = useState<ReadonlySet<TabId>>(() => new Set([tabFromHash(tabs)]));
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  useEffect(() => startEngineSync(), []);
  // Signed in again after a lock: what changed meanwhile is loaded.
  useEffect(() => useSession.subscribe((s, previous) => {
    if (s.phase === 'signed-in' && previous.phase === 'locked') loadAll();
  }), []);
  useIdleLock(locked);

  // The tabs this role may use (a role change applies at the next status check).
  const tabIds = tabs.map((t) => t.id).join(',');
  const allowedTab = useCallback((id: TabId) => tabIds.split(',').includes(id), [tabIds]);

  const select = useCallback((id: TabId, focus = false) => {
    if (!allowedTab(id)) return;
    setActive(id);
    setVisited((v) => (v.has(id) ? v : new Set(v).add(id)));
    const url = new URL(window.location.href);
    url.hash = id;
    window.history.replaceState(null, '', url);
    if (focus) tabRefs.current[id]?.focus();
  }, [allowedTab]);

  // Low alerts are in the list but not counted: the badge is what needs someone's attention.
  const openAlerts = useAlerts((s) => attentionCount(s.alerts));
  // The wall fills the window below the tab bar; in its fullscreen mode the bars are hidden too.
  const onWall = active === 'live';
  const wallFullscreen = useWall((s) => s.fullscreen) && onWall;
  const [wallToolsHost, setWallToolsHost] = useState<HTMLElement | null>(null);

  // Alt+1..9 switch tabs from anywhere. Alt+A: on the wall, acknowledges the newest alert card;
  // elsewhere, opens the acknowledge form of the newest open alert on the Alerts tab.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      // In a text field Alt (Option on a Mac) types characters (å, @ on some layouts): leave those alone.
      if (isTextEntry(event.target)) return;
      if (event.code === 'KeyA') {
        event.preventDefault();
        const alerts = useAlerts.getState();
        const card = alerts.cardIds[0];
        if (active === 'live' && card !== undefined) {
          if (alerts.busy !== card) void alerts.acknowledge(card, '');
          return;
        }
        select('alerts');
        const alert = newestOpenAlert(useAlerts.getState().alerts);
        if (alert) useAlerts.getState().startAcknowledge(alert.id);
        return;
      }
      const digit = /^Digit([1-9])$/.exec(event.code)?.[1];
      const tab = digit ? allTabs.filter((t) => allowedTab(t.id))[Number(digit) - 1] : undefined;
      if (!tab) return;
      event.preventDefault();
      select(tab.id, true);
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [select, active, allowedTab]);

  useEffect(() => {
    const onHash = () => select(tabFromHash(allTabs.filter((t) => allowedTab(t.id))));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [select, allowedTab]);

  // WAI-ARIA tabs: arrows move between tabs, Home/End jump to the ends.
  function onTabKey(event: ReactKeyboardEvent<HTMLButtonElement>, index: number) {
    const last = tabs.length - 1;
    const next =
      event.key === 'ArrowRight' ? (index === last ? 0 : index + 1)
      : event.key === 'ArrowLeft' ? (index === 0 ? last : index - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : null;
    if (next === null) return;
    event.preventDefault();
    const tab = tabs[next];
    if (tab) select(tab.id, true);
  }

  return (
    <div className={onWall ? 'app app-wall' : 'app'} data-fullscreen={wallFullscreen} hidden={locked} aria-hidden={locked}>
      {wallFullscreen ? null : <TopBar />}
      <ConnectionBanner />
      <ModelsAlert />
      <nav className="tabbar" aria-label="Sections" hidden={wallFullscreen} data-testid="tabbar">
        <div role="tablist" aria-label="Sections">
          {tabs.map((tab, index) => (
            <button
              key={tab.id}
              ref={(el) => {
                tabRefs.current[tab.id] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${tab.id}`}
              aria-controls={`panel-${tab.id}`}
              aria-selected={active === tab.id}
              aria-keyshortcuts={`Alt+${index + 1}`}
              tabIndex={active === tab.id ? 0 : -1}
              title={`${tab.label} (Alt+${index + 1})`}
              className="tab"
              onClick={() => select(tab.id)}
              onKeyDown={(event) => onTabKey(event, index)}
            >
              {tab.label}
              {tab.id === 'alerts' && openAlerts > 0 ? (
                <span className="tab-count" data-testid="alerts-badge" aria-label={`${openAlerts} open medium or high`}>
                  {openAlerts}
                </span>
              ) : null}
              <kbd aria-hidden="true">Alt+{index + 1}</kbd>
            </button>
          ))}
        </div>
        <div className="tabbar-tools" ref={setWallToolsHost} />
      </nav>
      <main className={onWall ? 'content content-wall' : 'content'}>
        {tabs.map((tab) =>
          visited.has(tab.id) ? (
            <section
              key={tab.id}
              role="tabpanel"
              id={`panel-${tab.id}`}
              aria-labelledby={`tab-${tab.id}`}
              hidden={active !== tab.id}
              className="tabpanel"
            >
              <ErrorBoundary area={`The ${tab.label} tab`}>
                {tab.id === 'live' ? (
                  <LiveView active={active === 'live'} onAddCamera={() => select('cameras', true)} toolsHost={wallToolsHost} />
                ) : tab.id === 'events' ? (
                  <EventsView />
                ) : tab.id === 'people' ? (
                  <PeopleView />
                ) : tab.id === 'unknowns' ? (
                  <UnknownsView />
                ) : tab.id === 'alerts' ? (
                  <AlertsView />
                ) : tab.id === 'audit' ? (
                  <AuditView />
                ) : tab.id === 'attendance' ? (
                  <AttendanceView />
                ) : tab.id === 'settings' ? (
                  <SettingsView />
                ) : tab.id === 'operators' ? (
                  <OperatorsView />
                ) : (
                  <CamerasView />
                )}
              </ErrorBoundary>
            </section>
          ) : null,
        )}
      </main>
    </div>
  );
}

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'file'].includes(target.type);
}
