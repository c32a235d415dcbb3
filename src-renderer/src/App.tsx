import { useCallback, useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ModelsAlert, TopBar } from './components/TopBar';
import { startEngineSync } from './store/sync';
import { CamerasView } from './views/CamerasView';
import { EventsView } from './views/EventsView';
import { LiveView } from './views/LiveView';
import { PeopleView } from './views/PeopleView';
import { UnknownsView } from './views/UnknownsView';
import { AlertsView } from './views/AlertsView';
import { AuditView } from './views/AuditView';
import { SettingsView } from './views/SettingsView';
import { attentionCount, newestOpenAlert, useAlerts } from './store/alerts';
import { useWall } from './store/wall';

export const tabs = [
  { id: 'live', label: 'Live' },
  { id: 'events', label: 'Events' },
  { id: 'people', label: 'People' },
  { id: 'cameras', label: 'Cameras' },
  { id: 'unknowns', label: 'Unknowns' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'settings', label: 'Settings' },
  { id: 'audit', label: 'Audit' },
] as const;
export type TabId = (typeof tabs)[number]['id'];

function tabFromHash(): TabId {
  const id = window.location.hash.replace(/^#\/?/, '');
  return tabs.find((t) => t.id === id)?.id ?? 'live';
}

export function App() {
  const [active, setActive] = useState<TabId>(tabFromHash);
  // Panels stay mounted once visited so half-filled forms survive a tab switch.
  const [visited, setVisited] = useState<ReadonlySet<TabId>>(() => new Set([tabFromHash()]));
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  useEffect(() => startEngineSync(), []);

  const select = useCallback((id: TabId, focus = false) => {
    setActive(id);
    setVisited((v) => (v.has(id) ? v : new Set(v).add(id)));
    const url = new URL(window.location.href);
    url.hash = id;
    window.history.replaceState(null, '', url);
    if (focus) tabRefs.current[id]?.focus();
  }, []);

  // Low alerts are in the list but not counted: the badge is what needs someone's attention.
  const openAlerts = useAlerts((s) => attentionCount(s.alerts));
  // The wall fills the window below the tab bar; in its fullscreen mode the bars are hidden too.
  const onWall = active === 'live';
  const wallFullscreen = useWall((s) => s.fullscreen) && onWall;
  const [wallToolsHost, setWallToolsHost] = useState<HTMLElement | null>(null);

  // Alt+1..7 switch tabs from anywhere. Alt+A: on the wall, acknowledges the newest alert card;
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
      const tab = digit ? tabs[Number(digit) - 1] : undefined;
      if (!tab) return;
      event.preventDefault();
      select(tab.id, true);
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [select, active]);

  useEffect(() => {
    const onHash = () => select(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [select]);

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
    <div className={onWall ? 'app app-wall' : 'app'} data-fullscreen={wallFullscreen}>
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
                ) : tab.id === 'settings' ? (
                  <SettingsView />
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
