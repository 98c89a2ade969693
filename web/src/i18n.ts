import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/** Every visible string of the web app, in English and Chinese (zh-CN). */

const en = {
  'app.name': 'Origin WMS',
  'app.skip': 'Skip to content',
  'lang.switch': '中文',
  'lang.switchLabel': 'Switch language to Chinese',
  'nav.label': 'Main',
  'nav.home': 'Home',
  'nav.owners': 'Owners',
  'nav.locations': 'Locations',
  'nav.users': 'Users',
  'nav.jobs': 'Jobs',
  'header.logout': 'Log out',
  'header.signedInAs': 'Signed in as',
  'role.admin': 'Administrator',
  'role.supervisor': 'Supervisor',
  'role.operator': 'Operator',
  'role.seller': 'Seller',
  'role.carrier': 'Carrier',
  'login.title': 'Log in',
  'login.subtitle': 'Warehouse management for origin warehouses',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.busy': 'Logging in…',
  'login.expired': 'Log in to continue where you were.',
  'common.loading': 'Loading…',
  'common.loadMore': 'Load more',
  'common.none': 'Nothing here yet.',
  'common.save': 'Save',
  'common.saving': 'Saving…',
  'common.create': 'Create',
  'common.optional': ' (optional)',
  'common.all': 'All',
  'common.search': 'Search',
  'common.reset': 'Reset',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.retry': 'Try again',
  'common.readOnly': 'Read-only: you can look but not change.',
  'common.created': 'Created: {name}',
  'form.invalid': 'Some fields are not filled in correctly.',
  'form.notNumber': 'Enter a number, e.g. 12.5',
  'error.network': 'The server cannot be reached. Check the connection and try again.',
  'error.forbidden': 'Your role may not open this page.',
  'error.notFound': 'This page does not exist.',
  'error.backHome': 'Back to Home',
  'home.title': 'Home',
  'home.welcome': 'Welcome, {name}',
  'home.admin': 'Set up owners, locations and users, and watch background jobs.',
  'home.supervisor': 'Manage owners, locations and users, and keep background jobs moving.',
  'home.operator': 'Look up owners and locations. Receiving, picking and packing screens come next.',
  'home.seller': 'Your co-operative or shop as the warehouse knows it.',
  'home.carrier': 'Manifests of parcels handed over to you will appear here in a later version.',
  'home.ownersCard': 'Sellers, co-ops and farms whose stock the hub keeps.',
  'home.locationsCard': 'Zones, bins and the pick walk; import from a spreadsheet.',
  'home.usersCard': 'Logins for staff, sellers and carriers.',
  'home.jobsCard': 'Background work; retry what failed.',
  'home.myOwner': 'Your owner account',
  'home.noOwner': 'No owner is linked to this login. Ask the warehouse to link one.',
  'health.label': 'Server',
  'health.down': 'Server status unknown',
  'owners.title': 'Owners',
  'owners.new': 'New owner',
  'owners.code': 'Code',
  'owners.name': 'Name',
  'owners.contact': 'Contact person',
  'owners.phone': 'Phone',
  'owners.status': 'Status',
  'owners.createdAt': 'Created',
  'owners.codeHint': 'Letters, digits and . _ -',
  'status.active': 'Active',
  'status.inactive': 'Inactive',
  'locations.title': 'Locations',
  'locations.filters': 'Filter locations',
  'locations.code': 'Code',
  'locations.zone': 'Zone',
  'locations.temperature': 'Temperature',
  'locations.type': 'Type',
  'locations.x': 'X (m)',
  'locations.y': 'Y (m)',
  'locations.pickSeq': 'Pick sequence',
  'locations.status': 'Status',
  'locations.searchCode': 'Code contains',
  'locations.new': 'New location',
  'temp.ambient': 'Ambient',
  'temp.chilled': 'Chilled',
  'temp.frozen': 'Frozen',
  'ltype.pick': 'Pick',
  'ltype.bulk': 'Bulk',
  'ltype.dock': 'Dock',
  'ltype.staging': 'Staging',
  'ltype.putwall': 'Put-wall',
  'import.title': 'Import from CSV',
  'import.help': 'Columns: code, zone, temperature, type, x, y, pick_seq. UTF-8 or GBK (as Excel saves it). Existing codes are updated.',
  'import.file': 'CSV file',
  'import.dryRun': 'Check only (change nothing)',
  'import.submit': 'Import',
  'import.check': 'Check',
  'import.uploading': 'Uploading… {pct}%',
  'import.processing': 'Processing…',
  'import.template': 'Download a template',
  'import.chooseFile': 'Choose a file first.',
  'import.result': 'Result',
  'import.resultDry': 'Result of the check (nothing was changed)',
  'import.created': 'Created',
  'import.updated': 'Updated',
  'import.unchanged': 'Unchanged',
  'import.errors': 'Refused rows',
  'import.encoding': 'Encoding',
  'import.ignored': 'Ignored columns',
  'import.row': 'Row',
  'import.column': 'Column',
  'import.code': 'Problem',
  'import.message': 'Message',
  'import.noErrors': 'Every row was accepted.',
  'users.title': 'Users',
  'users.new': 'New user',
  'users.username': 'Username',
  'users.password': 'Password',
  'users.passwordHint': 'At least 8 characters',
  'users.displayName': 'Display name',
  'users.role': 'Role',
  'users.owner': 'Owner',
  'users.chooseOwner': 'Choose an owner',
  'users.carrierId': 'Carrier ID',
  'users.active': 'Active',
  'jobs.title': 'Jobs',
  'jobs.status': 'Status',
  'jobs.id': 'ID',
  'jobs.type': 'Type',
  'jobs.attempts': 'Attempts',
  'jobs.runAfter': 'Run after',
  'jobs.lastError': 'Last error',
  'jobs.createdAt': 'Created',
  'jobs.finishedAt': 'Finished',
  'jobs.retry': 'Retry',
  'jobs.retried': 'Job {id} will run again.',
  'jstatus.pending': 'Pending',
  'jstatus.queued': 'Queued',
  'jstatus.running': 'Running',
  'jstatus.done': 'Done',
  'jstatus.failed': 'Failed',
};

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  'app.name': '产地仓 WMS',
  'app.skip': '跳到正文',
  'lang.switch': 'English',
  'lang.switchLabel': '切换为英文',
  'nav.label': '主菜单',
  'nav.home': '首页',
  'nav.owners': '货主',
  'nav.locations': '库位',
  'nav.users': '用户',
  'nav.jobs': '后台任务',
  'header.logout': '退出',
  'header.signedInAs': '当前用户',
  'role.admin': '管理员',
  'role.supervisor': '主管',
  'role.operator': '操作员',
  'role.seller': '货主',
  'role.carrier': '承运商',
  'login.title': '登录',
  'login.subtitle': '产地仓仓储管理系统',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.busy': '正在登录…',
  'login.expired': '请登录后继续刚才的操作。',
  'common.loading': '加载中…',
  'common.loadMore': '加载更多',
  'common.none': '暂无数据。',
  'common.save': '保存',
  'common.saving': '正在保存…',
  'common.create': '新建',
  'common.optional': '（选填）',
  'common.all': '全部',
  'common.search': '搜索',
  'common.reset': '重置',
  'common.yes': '是',
  'common.no': '否',
  'common.retry': '重试',
  'common.readOnly': '只读：可以查看，不能修改。',
  'common.created': '已新建：{name}',
  'form.invalid': '有字段填写不正确。',
  'form.notNumber': '请输入数字，例如 12.5',
  'error.network': '无法连接服务器，请检查网络后重试。',
  'error.forbidden': '您的角色无权打开此页面。',
  'error.notFound': '页面不存在。',
  'error.backHome': '返回首页',
  'home.title': '首页',
  'home.welcome': '欢迎，{name}',
  'home.admin': '设置货主、库位和用户，查看后台任务。',
  'home.supervisor': '管理货主、库位和用户，处理后台任务。',
  'home.operator': '查询货主和库位。收货、拣货、打包页面即将推出。',
  'home.seller': '仓库中登记的您的合作社或店铺。',
  'home.carrier': '交接给您的包裹交接单将在后续版本中显示在这里。',
  'home.ownersCard': '在本仓存货的卖家、合作社和农场。',
  'home.locationsCard': '库区、库位和拣货路线；可从表格导入。',
  'home.usersCard': '员工、货主和承运商的登录账号。',
  'home.jobsCard': '后台任务；重试失败的任务。',
  'home.myOwner': '您的货主信息',
  'home.noOwner': '此账号未关联货主，请联系仓库关联。',
  'health.label': '服务器',
  'health.down': '服务器状态未知',
  'owners.title': '货主',
  'owners.new': '新建货主',
  'owners.code': '编码',
  'owners.name': '名称',
  'owners.contact': '联系人',
  'owners.phone': '电话',
  'owners.status': '状态',
  'owners.createdAt': '创建时间',
  'owners.codeHint': '字母、数字及 . _ -',
  'status.active': '启用',
  'status.inactive': '停用',
  'locations.title': '库位',
  'locations.filters': '筛选库位',
  'locations.code': '库位编码',
  'locations.zone': '库区',
  'locations.temperature': '温层',
  'locations.type': '类型',
  'locations.x': 'X（米）',
  'locations.y': 'Y（米）',
  'locations.pickSeq': '拣货顺序',
  'locations.status': '状态',
  'locations.searchCode': '编码包含',
  'locations.new': '新建库位',
  'temp.ambient': '常温',
  'temp.chilled': '冷藏',
  'temp.frozen': '冷冻',
  'ltype.pick': '拣货位',
  'ltype.bulk': '存储位',
  'ltype.dock': '月台',
  'ltype.staging': '暂存位',
  'ltype.putwall': '播种墙',
  'import.title': '从 CSV 导入',
  'import.help': '列：code, zone, temperature, type, x, y, pick_seq。支持 UTF-8 或 GBK（Excel 另存为 CSV）。已有编码将被更新。',
  'import.file': 'CSV 文件',
  'import.dryRun': '仅检查（不做任何修改）',
  'import.submit': '导入',
  'import.check': '检查',
  'import.uploading': '正在上传… {pct}%',
  'import.processing': '正在处理…',
  'import.template': '下载模板',
  'import.chooseFile': '请先选择文件。',
  'import.result': '导入结果',
  'import.resultDry': '检查结果（未做任何修改）',
  'import.created': '新建',
  'import.updated': '更新',
  'import.unchanged': '未变',
  'import.errors': '被拒绝的行',
  'import.encoding': '编码',
  'import.ignored': '忽略的列',
  'import.row': '行号',
  'import.column': '列',
  'import.code': '问题',
  'import.message': '说明',
  'import.noErrors': '所有行均已接受。',
  'users.title': '用户',
  'users.new': '新建用户',
  'users.username': '用户名',
  'users.password': '密码',
  'users.passwordHint': '至少 8 个字符',
  'users.displayName': '显示名称',
  'users.role': '角色',
  'users.owner': '货主',
  'users.chooseOwner': '请选择货主',
  'users.carrierId': '承运商 ID',
  'users.active': '启用',
  'jobs.title': '后台任务',
  'jobs.status': '状态',
  'jobs.id': '编号',
  'jobs.type': '类型',
  'jobs.attempts': '尝试次数',
  'jobs.runAfter': '计划时间',
  'jobs.lastError': '最近错误',
  'jobs.createdAt': '创建时间',
  'jobs.finishedAt': '完成时间',
  'jobs.retry': '重试',
  'jobs.retried': '任务 {id} 将重新运行。',
  'jstatus.pending': '待处理',
  'jstatus.queued': '已排队',
  'jstatus.running': '运行中',
  'jstatus.done': '已完成',
  'jstatus.failed': '失败',
};

/** Chinese wording for API error codes; English shows the API's own message. */
const zhErrors: Record<string, string> = {
  INVALID_CREDENTIALS: '用户名或密码错误',
  RATE_LIMITED: '登录失败次数过多，请 15 分钟后再试或联系主管',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  INVALID_TOKEN: '登录已失效，请重新登录',
  FORBIDDEN: '您的角色无权执行此操作',
  DUPLICATE: '已存在相同的编码或用户名',
  VALIDATION_FAILED: '有字段填写不正确',
  PAYLOAD_TOO_LARGE: '文件太大',
};

const WITH_DETAIL = new Set(['DUPLICATE', 'FORBIDDEN']);

const zhDetailCodes: Record<string, string> = {
  too_small: '不能为空或太短',
  too_big: '太长或太大',
  invalid_format: '格式不正确',
  invalid_type: '类型不正确',
  invalid_value: '取值不正确',
  unknown_field: '未知字段',
  required: '必填',
};

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
