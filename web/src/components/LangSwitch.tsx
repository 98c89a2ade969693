import { useI18n } from '../i18n';

/** One button that switches to the other language; its label is written in that language. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const other = lang === 'zh' ? 'en' : 'zh';
  return (
    <button
      type="button"
      className="btn btn-quiet lang-switch"
      lang={other === 'zh' ? 'zh-CN' : 'en'}
      aria-label={t('lang.switchLabel')}
      data-testid="lang-switch"
      onClick={() => setLang(other)}
    >
      {t('lang.switch')}
    </button>
  );
}
