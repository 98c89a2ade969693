import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { coreEn, coreZh } from './core';
import { skusEn, skusZh } from './skus';
import { portalEn, portalZh } from './portal';
import { terminalEn, terminalZh } from './terminal';
import { stockEn, stockZh } from './stock';
import { ordersEn, ordersZh } from './orders';
import { storesEn, storesZh } from './stores';
import { printingEn, printingZh } from './printing';
import { packingEn, packingZh } from './packing';
import { pickingEn, pickingZh } from './picking';
import { floorEn, floorZh } from './floor';
import { dockEn, dockZh } from './dock';
import { shipmentsEn, shipmentsZh } from './shipments';
import { WITH_DETAIL, zhDetailCodes, zhErrors } from './errors';

/** Every visible string of the web app, in English and Chinese (zh-CN), one file per area. */

const en = { ...coreEn, ...floorEn, ...skusEn, ...portalEn, ...terminalEn, ...stockEn, ...ordersEn, ...storesEn, ...printingEn, ...packingEn, ...pickingEn, ...dockEn, ...shipmentsEn };

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = { ...coreZh, ...floorZh, ...skusZh, ...portalZh, ...terminalZh, ...stockZh, ...ordersZh, ...storesZh, ...printingZh, ...packingZh, ...pickingZh, ...dockZh, ...shipmentsZh };

export type Lang = 'en' | 'zh';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, zh };
const LANG_KEY = 'wms.lang';

export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // no storage: fall through to the browser's preference
  }
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language];
  const first = prefs.find((l) => /^(zh|en)\b/i.test(l));
  return first && /^zh/i.test(first) ? 'zh' : 'en';
}

export type TFunction = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionaries[lang][key] ?? en[key];
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}

/** An API error as the user should read it. */
export function errorText(lang: Lang, err: { code?: string; message: string }): string {
  if (err.code === 'NETWORK_ERROR') return translate(lang, 'error.network');
  if (lang === 'zh' && err.code && zhErrors[err.code]) {
    return WITH_DETAIL.has(err.code) ? `${zhErrors[err.code]}（${err.message}）` : zhErrors[err.code];
  }
  return err.message;
}

export function detailText(lang: Lang, d: { code: string; message: string }): string {
  if (lang === 'zh' && zhDetailCodes[d.code]) return `${zhDetailCodes[d.code]}（${d.message}）`;
  return d.message;
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: TFunction;
  /** Dates as the chosen language writes them. */
  date: (iso: string | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(LANG_KEY, l);
    } catch {
      // the choice then lasts for this page only
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = translate(lang, 'app.name');
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const fmt = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    return {
      lang,
      setLang,
      t: (key, params) => translate(lang, key, params),
      date: (iso) => {
        if (!iso) return '';
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : fmt.format(d);
      },
    };
  }, [lang, setLang]);
  return createElement(I18nContext.Provider, { value }, children);
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
