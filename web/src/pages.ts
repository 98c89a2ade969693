import type { MessageKey } from './i18n';
import type { Role } from './session';

/** The pages of the app and which roles may open them (the navigation shows only those). */
export interface PageDef {
  name: 'home' | 'owners' | 'locations' | 'users' | 'jobs';
  path: string;
  label: MessageKey;
  roles: Role[];
}

export const PAGES: PageDef[] = [
  { name: 'home', path: '/', label: 'nav.home', roles: ['admin', 'supervisor', 'operator', 'seller', 'carrier'] },
  { name: 'owners', path: '/owners', label: 'nav.owners', roles: ['admin', 'supervisor', 'operator'] },
  { name: 'locations', path: '/locations', label: 'nav.locations', roles: ['admin', 'supervisor', 'operator'] },
  { name: 'users', path: '/users', label: 'nav.users', roles: ['admin', 'supervisor'] },
  { name: 'jobs', path: '/jobs', label: 'nav.jobs', roles: ['admin', 'supervisor'] },
];

export const pagesFor = (role: Role): PageDef[] => PAGES.filter((p) => p.roles.includes(role));
