import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { detailText, errorText, useI18n, type MessageKey } from '../i18n';
import { beepAsk, beepOk, buzzError } from './feedback';

/** Building blocks of the terminal screens: the result of the last action, big codes, steps. */

export type Tone = 'ok' | 'error' | 'ask' | 'network' | 'info';

export interface TermResult {
  tone: Tone;
  title: string;
  lines: string[];
  /** What the screen wanted instead (shown on errors). */
  expected?: string;
  seq: number;
}

/** What went wrong with an API call, in the UI language, with the server's field messages. */
export function useErrorText() {
  const { lang } = useI18n();
  return useCallback(
    (err: unknown): { title: string; lines: string[] } => {
      if (err instanceof ApiError) {
        const lines = err.details.map((d) => detailText(lang, d)).filter((m) => m && m !== err.message);
        return { title: errorText(lang, err), lines };
      }
      return { title: String((err as Error)?.message ?? err), lines: [] };
    },
    [lang],
  );
}

export const isNetworkError = (err: unknown): boolean => err instanceof ApiError && err.code === 'NETWORK_ERROR';

export interface ResultApi {
  result: TermResult | null;
  ok: (title: string, lines?: string[]) => void;
  /** An error: red, a double buzz, and what was expected. */
  fail: (what: unknown, expected?: string) => void;
  ask: (title: string, lines?: string[]) => void;
  info: (title: string, lines?: string[]) => void;
  network: (title: string, lines?: string[]) => void;
  clear: () => void;
}

export function useResult(): ResultApi {
  const [result, setResult] = useState<TermResult | null>(null);
  const seq = useRef(0);
  const errorOf = useErrorText();
  const show = useCallback((tone: Tone, title: string, lines: string[] = [], expected?: string) => {
    if (tone === 'ok') beepOk();
    else if (tone === 'error' || tone === 'network') buzzError();
    else if (tone === 'ask') beepAsk();
    setResult({ tone, title, lines, expected, seq: ++seq.current });
  }, []);
  return useMemo(
    () => ({
      result,
      ok: (title, lines) => show('ok', title, lines),
      fail: (what, expected) => {
        if (typeof what === 'string') show('error', what, [], expected);
        else {
          const e = errorOf(what);
          show(isNetworkError(what) ? 'network' : 'error', e.title, e.lines, expected);
        }
      },
      ask: (title, lines) => show('ask', title, lines),
      info: (title, lines) => show('info', title, lines),
      network: (title, lines) => show('network', title, lines),
      clear: () => setResult(null),
    }),
    [result, show, errorOf],
  );
}

const ICON: Record<Tone, string> = { ok: '✓', error: '✕', ask: '?', network: '⚠', info: 'i' };

/** The result of the last action, always on screen; `children` are its follow-up buttons. */
export function ResultPanel({ result, children }: { result: TermResult | null; children?: ReactNode }) {
  const { t } = useI18n();
  if (!result) return null;
  const alert = result.tone === 'error' || result.tone === 'network';
  return (
    <section
      key={result.seq}
      className={`term-result term-result-${result.tone}`}
      role={alert ? 'alert' : 'status'}
      aria-live={alert ? 'assertive' : 'polite'}
      data-testid="term-result"
      data-tone={result.tone}
    >
      <p className="term-result-title">
        <span className="term-result-icon" aria-hidden="true">
          {ICON[result.tone]}
        </span>
        <span data-testid="term-result-title">{result.title}</span>
      </p>
      {result.lines.map((l, i) => (
        <p key={i} className="term-result-line">
          {l}
        </p>
      ))}
      {result.expected && (
        <p className="term-expected" data-testid="term-expected">
          {t('term.expected', { what: result.expected })}
        </p>
      )}
      {children && <div className="term-result-actions">{children}</div>}
    </section>
  );
}

/** A full-screen colour flash for the last result (green, red), restarted by each new result. */
export function Flash({ result }: { result: TermResult | null }) {
  if (!result || (result.tone !== 'ok' && result.tone !== 'error' && result.tone !== 'network')) return null;
  return <div key={result.seq} className={`term-flash term-flash-${result.tone === 'ok' ? 'ok' : 'bad'}`} aria-hidden="true" />;
}

/** The steps of a screen, the current one marked. */
export function Steps({ steps, current }: { steps: MessageKey[]; current: number }) {
  const { t } = useI18n();
  return (
    <ol className="term-steps" data-testid="term-steps">
      {steps.map((s, i) => (
        <li key={s} className={i === current ? 'is-current' : i < current ? 'is-done' : ''} aria-current={i === current ? 'step' : undefined}>
          <span className="term-step-no">{i + 1}</span> {t(s)}
        </li>
      ))}
    </ol>
  );
}

/** A value readable at arm's length: a location code, a quantity. */
export function Big({ label, children, testId, tone }: { label: string; children: ReactNode; testId?: string; tone?: 'accent' | 'warn' }) {
  return (
    <div className={'term-big' + (tone ? ` term-big-${tone}` : '')}>
      <span className="term-big-label">{label}</span>
      <span className="term-big-value" data-testid={testId}>
        {children}
      </span>
    </div>
  );
}

/** A fact line of the current context (ASN, dock, from-location) with a button to change it. */
export function Context({ label, value, sub, onChange, testId }: { label: string; value: ReactNode; sub?: string; onChange?: () => void; testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="term-context">
      <span className="term-context-label">{label}</span>
      <span className="term-context-main">
        <strong className="term-context-value" data-testid={testId}>
          {value}
        </strong>
        {sub && <span className="term-context-sub">{sub}</span>}
      </span>
      {onChange && (
        <button type="button" className="btn btn-quiet term-context-change" onClick={onChange}>
          {t('term.change')}
        </button>
      )}
    </div>
  );
}

/** A POST that did not reach the server: nothing is lost, it can be sent again. */
export function Unsent({ onRetry, onDiscard, busy, children }: { onRetry: () => void; onDiscard: () => void; busy: boolean; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <section className="term-unsent" data-testid="term-unsent" aria-label={t('term.unsentTitle')}>
      <p>{t('term.unsentText')}</p>
      {children}
      <div className="term-actions">
        <button type="button" className="btn btn-primary btn-big" onClick={onRetry} disabled={busy} data-testid="term-retry">
          {busy ? t('term.sending') : t('term.retry')}
        </button>
        <button type="button" className="btn btn-big" onClick={onDiscard} disabled={busy} data-testid="term-discard">
          {t('term.discard')}
        </button>
      </div>
    </section>
  );
}
