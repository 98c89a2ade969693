import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ChangeEvent, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';
import { useI18n } from '../i18n';
import { classifyEntry, restamp, type Entry } from './scanTiming';

/**
 * The one scan field of a terminal screen. It keeps the focus (after every action, after a tap
 * elsewhere, when the window comes back), tells a scanner from typing, and submits on Enter.
 * With the keyboard hidden (`inputMode="none"`) a phone shows no keyboard while scanning.
 */

const KEYBOARD_KEY = 'wms.terminal.keyboard';

const isEditable = (el: Element | null): boolean =>
  el instanceof HTMLElement && (el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || (el.tagName === 'INPUT' && !['button', 'submit', 'checkbox', 'radio'].includes((el as HTMLInputElement).type)));

function readKeyboard(): boolean {
  try {
    return localStorage.getItem(KEYBOARD_KEY) === '1';
  } catch {
    return false;
  }
}

export interface ScanInput {
  ref: RefObject<HTMLInputElement | null>;
  value: string;
  onChange: (e: ChangeEvent<HTMLInputElement>) => void;
  onKeyDown: (e: ReactKeyboardEvent<HTMLInputElement>) => void;
  focus: () => void;
  keyboard: boolean;
  toggleKeyboard: () => void;
  /** How the last entry arrived (shown as a small hint). */
  lastSource: Entry['source'] | null;
}

/**
 * `onEntry` gets every Enter, including an empty one (screens use it for "confirm" or "use the
 * default"). Entries made while `busy` wait and are handed over, in order, when it ends.
 */
export function useScanInput(onEntry: (entry: Entry) => void, opts: { busy?: boolean } = {}): ScanInput {
  const ref = useRef<HTMLInputElement>(null);
  const [value, setValueState] = useState('');
  const current = useRef('');
  const stamps = useRef<number[]>([]);
  const setValue = useCallback((next: string, at?: number) => {
    stamps.current = next ? restamp(current.current, stamps.current, next, at || performance.now()) : [];
    current.current = next;
    setValueState(next);
  }, []);
  const [keyboard, setKeyboard] = useState(readKeyboard);
  const [lastSource, setLastSource] = useState<Entry['source'] | null>(null);
  const handler = useRef(onEntry);
  handler.current = onEntry;
  const busy = useRef(!!opts.busy);
  busy.current = !!opts.busy;
  const waiting = useRef<Entry[]>([]);

  const focus = useCallback(() => {
    const el = ref.current;
    // Scrolled into view if need be: the prompt and the result below it are what to read next.
    if (el && document.activeElement !== el) el.focus();
  }, []);

  const deliver = useCallback((entry: Entry) => {
    if (busy.current) waiting.current.push(entry);
    else handler.current(entry);
  }, []);

  // One waiting entry per render, so each sees the state the one before it left.
  const [drain, setDrain] = useState(0);
  useEffect(() => {
    if (opts.busy || !waiting.current.length) return;
    handler.current(waiting.current.shift()!);
    if (waiting.current.length) setDrain((n) => n + 1);
  }, [opts.busy, drain]);

  // Keep the focus here: after a tap on anything but another form control, when the window or
  // tab comes back, and when the focused element disappears (a step changed). Set up before
  // the first paint, so that no key of a scan arriving at once is lost.
  useLayoutEffect(() => {
    const later = () =>
      setTimeout(() => {
        const active = document.activeElement;
        if (active === ref.current) return;
        if (active && active !== document.body && isEditable(active)) return;
        if (document.querySelector('[data-scan-hold="true"]')) return;
        focus();
      }, 0);
    const onVisible = () => document.visibilityState === 'visible' && later();
    const onFocusOut = (e: FocusEvent) => {
      if (!e.relatedTarget) later();
    };
    // Keys typed while a button has the focus (a scanner does not wait) go into the field.
    const onKey = (e: KeyboardEvent) => {
      if (e.target === ref.current || isEditable(e.target as Element) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key.length === 1 && e.key !== ' ') {
        e.preventDefault();
        focus();
        setValue(current.current + e.key, e.timeStamp);
      }
    };
    document.addEventListener('click', later);
    document.addEventListener('focusout', onFocusOut);
    document.addEventListener('keydown', onKey);
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', later);
    focus();
    return () => {
      document.removeEventListener('click', later);
      document.removeEventListener('focusout', onFocusOut);
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', later);
    };
  }, [focus, setValue]);

  // The event's own time: when the key arrived, even if the page was busy and handles it late.
  const onChange = useCallback((e: ChangeEvent<HTMLInputElement>) => setValue(e.target.value, e.timeStamp), [setValue]);

  const onKeyDown = useCallback(
    (e: ReactKeyboardEvent<HTMLInputElement>) => {
      if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
      e.preventDefault();
      const entry = classifyEntry(current.current, stamps.current, e.timeStamp || performance.now());
      setValue('');
      setLastSource(entry.value ? entry.source : null);
      deliver(entry);
    },
    [deliver, setValue],
  );

  const toggleKeyboard = useCallback(() => {
    setKeyboard((k) => {
      try {
        localStorage.setItem(KEYBOARD_KEY, k ? '0' : '1');
      } catch {
        // the choice then lasts for this page only
      }
      return !k;
    });
    // A phone shows its keyboard only when the field gains focus with the new input mode.
    ref.current?.blur();
    setTimeout(focus, 30);
  }, [focus]);

  return { ref, value, onChange, onKeyDown, focus, keyboard, toggleKeyboard, lastSource };
}

/** The big scan field with its label (what to scan now) and the show-keyboard button. */
export function ScanField({ scan, label, placeholder, testId = 'scan-input' }: { scan: ScanInput; label: string; placeholder?: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="scan-field">
      <label htmlFor="term-scan" className="scan-label" data-testid="scan-label">
        {label}
      </label>
      <div className="scan-row">
        <input
          ref={scan.ref}
          id="term-scan"
          autoFocus
          className="scan-input"
          data-testid={testId}
          value={scan.value}
          onChange={scan.onChange}
          onKeyDown={scan.onKeyDown}
          inputMode={scan.keyboard ? 'text' : 'none'}
          enterKeyHint="done"
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          placeholder={placeholder ?? t('term.scanPlaceholder')}
        />
        <button
          type="button"
          className={'btn scan-kbd' + (scan.keyboard ? ' is-on' : '')}
          onClick={scan.toggleKeyboard}
          aria-pressed={scan.keyboard}
          aria-label={t(scan.keyboard ? 'term.hideKeyboard' : 'term.showKeyboard')}
          title={t(scan.keyboard ? 'term.hideKeyboard' : 'term.showKeyboard')}
          data-testid="scan-keyboard"
        >
          <span aria-hidden="true">⌨</span>
        </button>
      </div>
      {scan.lastSource && (
        <span className="scan-source muted small" data-testid="scan-source" data-source={scan.lastSource}>
          {t(scan.lastSource === 'scan' ? 'term.sourceScan' : 'term.sourceTyped')}
        </span>
      )}
    </div>
  );
}
