import { useEffect, useState, type ReactNode } from 'react';
import { useI18n, type MessageKey } from '../i18n';
import { navigate, pathnameOf, useLocation } from '../router';
import type { SessionUser } from '../session';
import { LangSwitch } from '../components/LangSwitch';
import { setSoundOn, soundOn, unlockAudio } from './feedback';
import { ReceivePage } from './ReceivePage';
import { PutawayPage } from './PutawayPage';
import { MovePage } from './MovePage';
import { PickPage } from './PickPage';
import { PutwallPage } from './PutwallPage';
import { PackPage } from './PackPage';
import { DockPage } from './DockPage';

/**
 * The scanner terminal: a compact header and one task per screen, without the office
 * navigation. For handhelds (360 px) and shared terminals with a keyboard-wedge scanner.
 */

interface Task {
  path: string;
  key: string;
  title: MessageKey;
  text: MessageKey;
  icon: string;
}

const TASKS: Task[] = [
  { path: '/terminal/receive', key: '1', title: 'term.receive', text: 'term.receiveText', icon: '⬇' },
  { path: '/terminal/putaway', key: '2', title: 'term.putaway', text: 'term.putawayText', icon: '⇥' },
  { path: '/terminal/move', key: '3', title: 'term.move', text: 'term.moveText', icon: '⇄' },
  { path: '/terminal/pick', key: '4', title: 'term.pick', text: 'term.pickText', icon: '⛏' },
  { path: '/terminal/putwall', key: '5', title: 'term.putwall', text: 'term.putwallText', icon: '▦' },
  { path: '/terminal/pack', key: '6', title: 'term.pack', text: 'term.packText', icon: '▣' },
  { path: '/terminal/dock', key: '7', title: 'term.dockOut', text: 'term.dockOutText', icon: '⇪' },
];

function Menu() {
  const { t } = useI18n();
  // Number keys open a task, so a terminal with a keypad needs no touch at all.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const task = TASKS.find((x) => x.key === e.key);
      if (task) {
        e.preventDefault();
        navigate(task.path);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <nav className="term-menu" aria-label={t('term.menu')}>
      <h1 className="sr-only">{t('term.menu')}</h1>
      {TASKS.map((task, i) => (
        <button
          key={task.path}
          type="button"
          className="term-menu-btn"
          onClick={() => navigate(task.path)}
          data-testid={`term-menu-${task.path.split('/').pop()}`}
          autoFocus={i === 0}
          aria-keyshortcuts={task.key}
        >
          <span className="term-menu-key" aria-hidden="true">
            {task.key}
          </span>
          <span className="term-menu-icon" aria-hidden="true">
            {task.icon}
          </span>
          <span className="term-menu-title">{t(task.title)}</span>
          <span className="term-menu-text">{t(task.text)}</span>
        </button>
      ))}
      <p className="term-menu-hint muted">{t('term.menuHint')}</p>
    </nav>
  );
}

function SoundSwitch() {
  const { t } = useI18n();
  const [on, setOn] = useState(soundOn);
  return (
    <button
      type="button"
      className="btn btn-quiet term-sound"
      aria-pressed={on}
      aria-label={t(on ? 'term.soundOff' : 'term.soundOn')}
      title={t(on ? 'term.soundOff' : 'term.soundOn')}
      data-testid="term-sound"
      onClick={() => {
        setSoundOn(!on);
        setOn(!on);
      }}
    >
      <svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
        {on ? <path d="M16 9a4 4 0 0 1 0 6M18.5 6.5a7.5 7.5 0 0 1 0 11" /> : <path d="M16.5 9.5l5 5M21.5 9.5l-5 5" />}
      </svg>
    </button>
  );
}

export function TerminalApp({ user }: { user: SessionUser; params: Record<string, string> }) {
  const { t } = useI18n();
  const location = useLocation();
  const pathname = pathnameOf(location);
  const query = new URLSearchParams(location.split('?')[1] ?? '');
  const task = TASKS.find((x) => x.path === pathname);

  // The first key or tap lets the browser play sound (autoplay rules).
  useEffect(() => {
    const unlock = () => unlockAudio();
    document.addEventListener('keydown', unlock, { once: true });
    document.addEventListener('pointerdown', unlock, { once: true });
    document.body.classList.add('terminal-body');
    return () => {
      document.removeEventListener('keydown', unlock);
      document.removeEventListener('pointerdown', unlock);
      document.body.classList.remove('terminal-body');
    };
  }, []);

  let body: ReactNode;
  if (pathname === '/terminal/receive') body = <ReceivePage />;
  else if (pathname === '/terminal/putaway') body = <PutawayPage query={query} />;
  else if (pathname === '/terminal/move') body = <MovePage role={user.role} />;
  else if (pathname === '/terminal/pick') body = <PickPage />;
  else if (pathname === '/terminal/putwall') body = <PutwallPage />;
  else if (pathname === '/terminal/pack') body = <PackPage />;
  else if (pathname === '/terminal/dock') body = <DockPage />;
  else body = <Menu />;

  return (
    <div className="term" data-testid="terminal">
      <header className="term-header">
        <button
          type="button"
          className="btn btn-quiet term-back"
          onClick={() => navigate(task ? '/terminal' : '/')}
          data-testid="term-back"
          aria-label={task ? t('term.backMenu') : t('term.backHome')}
        >
          <span aria-hidden="true">←</span>
          <span className="term-back-text">{task ? t('term.menuShort') : t('nav.home')}</span>
        </button>
        <span className="term-title" data-testid="term-title">
          {task ? t(task.title) : t('term.title')}
        </span>
        <span className="term-user" data-testid="whoami" title={user.displayName ?? undefined}>
          {user.username}
        </span>
        <SoundSwitch />
        <LangSwitch />
      </header>
      <main id="main" className="term-main">
        {body}
      </main>
    </div>
  );
}
