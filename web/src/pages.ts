import type { MessageKey } from './i18n';
import type { Role } from './session';

/** The pages of the app and which roles may open them (the navigation shows only those). */
export interface PageDef {
  name:
    | 'home'
    | 'owners'
    | 'skus'
    | 'stock'
    | 'skuNew'
    | 'skuImport'
    | 'skuEdit'
    | 'orders'
    | 'orderImport'
    | 'orderDetail'
    | 'stores'
    | 'storeDetail'
    | 'locations'
    | 'users'
    | 'jobs'
    | 'floor'
    | 'printers'
    | 'terminal'
    | 'termReceive'
    | 'termPutaway'
    | 'termMove'
    | 'termPack'
    | 'termPick'
    | 'termPutwall'
    | 'termDock'
    | 'manifests'
    | 'manifestDetail'
    | 'shipments';
  /** A `:id` part matches a number, handed to the page as `params.id`. */
  path: string;
  label: MessageKey;
  roles: Role[];
  /** Reached from its list page, not from the navigation or Home. */
  sub?: true;
  /** A scanner-terminal screen: full screen, without the office header and navigation. */
  terminal?: true;
}

const STAFF_AND_SELLER: Role[] = ['admin', 'supervisor', 'seller'];
const FLOOR: Role[] = ['admin', 'supervisor', 'operator'];
/** Orders and store connections: operators may look, not change. */
const ORDER_VIEWERS: Role[] = ['admin', 'supervisor', 'operator', 'seller'];
/** Manifests: the hub's staff, and a carrier's users (the server shows them their own only). */
const MANIFEST_VIEWERS: Role[] = ['admin', 'supervisor', 'operator', 'carrier'];

export const PAGES: PageDef[] = [
  { name: 'home', path: '/', label: 'nav.home', roles: ['admin', 'supervisor', 'operator', 'seller', 'carrier'] },
  { name: 'owners', path: '/owners', label: 'nav.owners', roles: ['admin', 'supervisor', 'operator'] },
  { name: 'skus', path: '/skus', label: 'nav.skus', roles: ['admin', 'supervisor', 'operator', 'seller'] },
  { name: 'stock', path: '/stock', label: 'nav.stock', roles: ['admin', 'supervisor', 'seller'] },
  { name: 'skuNew', path: '/skus/new', label: 'skuForm.newTitle', roles: STAFF_AND_SELLER, sub: true },
  { name: 'skuImport', path: '/skus/import', label: 'skuImport.title', roles: STAFF_AND_SELLER, sub: true },
  { name: 'skuEdit', path: '/skus/:id', label: 'skuForm.editTitle', roles: ['admin', 'supervisor', 'operator', 'seller'], sub: true },
  { name: 'orders', path: '/orders', label: 'nav.orders', roles: ORDER_VIEWERS },
  { name: 'orderImport', path: '/orders/import', label: 'orderImport.title', roles: STAFF_AND_SELLER, sub: true },
  { name: 'orderDetail', path: '/orders/:id', label: 'order.titleShort', roles: ORDER_VIEWERS, sub: true },
  { name: 'shipments', path: '/shipments', label: 'nav.shipments', roles: STAFF_AND_SELLER },
  { name: 'stores', path: '/stores', label: 'nav.stores', roles: ORDER_VIEWERS },
  { name: 'storeDetail', path: '/stores/:id', label: 'stores.titleShort', roles: ORDER_VIEWERS, sub: true },
  { name: 'locations', path: '/locations', label: 'nav.locations', roles: ['admin', 'supervisor', 'operator'] },
  { name: 'users', path: '/users', label: 'nav.users', roles: ['admin', 'supervisor'] },
  { name: 'printers', path: '/printers', label: 'nav.printers', roles: FLOOR },
  { name: 'jobs', path: '/jobs', label: 'nav.jobs', roles: ['admin', 'supervisor'] },
  { name: 'floor', path: '/floor', label: 'nav.floor', roles: ['admin', 'supervisor'] },
  { name: 'manifests', path: '/manifests', label: 'nav.manifests', roles: MANIFEST_VIEWERS },
  { name: 'manifestDetail', path: '/manifests/:id', label: 'nav.manifests', roles: MANIFEST_VIEWERS, sub: true },
  { name: 'terminal', path: '/terminal', label: 'nav.terminal', roles: FLOOR, terminal: true },
  { name: 'termReceive', path: '/terminal/receive', label: 'term.receive', roles: FLOOR, sub: true, terminal: true },
  { name: 'termPutaway', path: '/terminal/putaway', label: 'term.putaway', roles: FLOOR, sub: true, terminal: true },
  { name: 'termMove', path: '/terminal/move', label: 'term.move', roles: FLOOR, sub: true, terminal: true },
  { name: 'termPack', path: '/terminal/pack', label: 'term.pack', roles: FLOOR, sub: true, terminal: true },
  { name: 'termPick', path: '/terminal/pick', label: 'term.pick', roles: FLOOR, sub: true, terminal: true },
  { name: 'termPutwall', path: '/terminal/putwall', label: 'term.putwall', roles: FLOOR, sub: true, terminal: true },
  { name: 'termDock', path: '/terminal/dock', label: 'term.dockOut', roles: FLOOR, sub: true, terminal: true },
];

/** The pages a role sees in the navigation and on Home. */
export const pagesFor = (role: Role): PageDef[] => PAGES.filter((p) => !p.sub && p.roles.includes(role));

export interface Match {
  page: PageDef;
  params: Record<string, string>;
}

/** The page for a pathname; exact paths win over `:id` patterns. */
export function matchPage(pathname: string): Match | null {
  const exact = PAGES.find((p) => p.path === pathname);
  if (exact) return { page: exact, params: {} };
  const parts = pathname.split('/');
  for (const page of PAGES) {
    const pattern = page.path.split('/');
    if (!page.path.includes(':') || pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((seg, i) => {
      if (!seg.startsWith(':')) return seg === parts[i];
      params[seg.slice(1)] = parts[i];
      return /^\d{1,15}$/.test(parts[i]);
    });
    if (ok) return { page, params };
  }
  return null;
}
