import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import { pagesFor } from '../pages';
import { navigate } from '../router';
import { clearSession, type SessionUser } from '../session';
import { LangSwitch } from './LangSwitch';
import { Link } from './ui';

/** Header (product, who is logged in, language, logout), the role's navigation, and the page. */
export function Shell({ user, pathname, children }: { user: SessionUser; pathname: string; children: ReactNode }) {
  const { t } = useI18n();
  const [leaving, setLeaving] = useState(false);
  const nav = useRef<HTMLUListElement>(null);

  // On a phone the navigation scrolls sideways: keep the current page's tab in view.
  useEffect(() => {
    nav.current?.querySelector<HTMLElement>('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [pathname]);

  const logout = async () => {
    setLeaving(true);
    try {
      await api('/api/v1/auth/logout', { method: 'POST' });
    } catch {
      // the token is dropped here either way
    }
    clearSession();
    navigate('/login', { replace: true });
  };

  const pages = pagesFor(user.role);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            仓
          </span>
          <span>{t('app.name')}</span>
        </Link>
        <div className="topbar-right">
          <span className="whoami" data-testid="whoami" title={user.displayName ? `${t('header.signedInAs')}: ${user.displayName}` : t('header.signedInAs')}>
            <span className="whoami-name">{user.username}</span>
            <span className="whoami-role">{t(`role.${user.role}`)}</span>
          </span>
          <LangSwitch />
          <button type="button" className="btn btn-quiet" onClick={logout} disabled={leaving} data-testid="logout">
            {t('header.logout')}
          </button>
        </div>
      </header>
      <nav className="mainnav" aria-label={t('nav.label')}>
        <ul ref={nav}>
          {pages.map((p) => {
            const active = p.path === '/' ? pathname === '/' : pathname === p.path || pathname.startsWith(p.path + '/');
            return (
              <li key={p.name}>
                <Link to={p.path} data-testid={`nav-${p.name}`} aria-current={active ? 'page' : undefined}>
                  {t(p.label)}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="content">
        {children}
      </main>
    </div>
  );
}
