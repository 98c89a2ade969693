import { useState, type FormEvent } from 'react';
import { api, ApiError, type LoginResult } from '../api';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { hasReturnPath, ROLES, setSession, takeReturnPath, type Role } from '../session';
import { LangSwitch } from '../components/LangSwitch';
import { ErrorBox, Notice, PageTitle } from '../components/ui';

export function LoginPage() {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [resuming] = useState(hasReturnPath);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api<LoginResult>('/api/v1/auth/login', { method: 'POST', body: { username: username.trim(), password } });
      const role = ROLES.includes(res.user.role as Role) ? (res.user.role as Role) : 'operator';
      setSession(res.token, { ...res.user, role });
      navigate(takeReturnPath(), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'NETWORK_ERROR', String(err)));
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <div className="login-top">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            仓
          </span>
          <span>{t('app.name')}</span>
        </span>
        <LangSwitch />
      </div>
      <main className="login-card" id="main">
        <PageTitle>{t('login.title')}</PageTitle>
        <p className="muted">{t('login.subtitle')}</p>
        {resuming && <Notice>{t('login.expired')}</Notice>}
        <form onSubmit={submit} className="stack">
          <div className="field">
            <label htmlFor="login-username">{t('login.username')}</label>
            <input
              id="login-username"
              data-testid="login-username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('login.password')}</label>
            <input
              id="login-password"
              data-testid="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <ErrorBox error={error} testId="login-error" />
          <button type="submit" className="btn btn-primary btn-block" data-testid="login-submit" disabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
