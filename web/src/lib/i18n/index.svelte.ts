/**
 * The UI language: zh-CN by default, English on request, remembered in localStorage.
 * `t()` reads the rune, so every string re-renders when the language changes.
 */
import { en } from './en';
import { zh, type MessageKey } from './zh';

export type Locale = 'zh' | 'en';
const STORAGE_KEY = 'caijian.locale';
const dictionaries: Record<Locale, Record<MessageKey, string>> = { zh, en };

function initial(): Locale {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export const i18n = $state<{ locale: Locale }>({ locale: initial() });

export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // Private browsing may refuse storage; the choice then lasts for the session only.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = dictionaries[i18n.locale][key] ?? zh[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** For keys built from data (a budget type code): falls back to the raw value. */
export function tMaybe(key: string, fallback: string): string {
  return key in zh ? t(key as MessageKey) : fallback;
}

export type { MessageKey };
