import { useSyncExternalStore } from 'react';

/** The logged-in user, kept in localStorage beside the bearer token. */

export type Role = 'admin' | 'supervisor' | 'operator' | 'seller' | 'carrier';
export const ROLES: Role[] = ['admin', 'supervisor', 'operator', 'seller', 'carrier'];

export interface SessionUser {
  id: number | null;
  username: string;
  role: Role;
  ownerId: number | null;
  carrierId: number | null;
  displayName?: string | null;
}

const TOKEN_KEY = 'wms.token';
const USER_KEY = 'wms.user';
const RETURN_KEY = 'wms.returnTo';

function read(key: string, store: Storage = localStorage): string | null {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null, store: Storage = localStorage): void {
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    // storage may be unavailable (private mode); the session then lasts for this page only
  }
}

function parseUser(raw: string | null): SessionUser | null {
  if (!raw) return null;
  try {
    const u = JSON.parse(raw) as SessionUser;
    return u && typeof u.username === 'string' && ROLES.includes(u.role) ? u : null;
  } catch {
    return null;
  }
}

let token: string | null = read(TOKEN_KEY);
let user: SessionUser | null = token ? parseUser(read(USER_KEY)) : null;
const listeners = new Set<() => void>();

function emit(): void {
  for (const l of listeners) l();
}

export function getToken(): string | null {
  return token;
}

export function getUser(): SessionUser | null {
  return user;
}

export function setSession(newToken: string, newUser: SessionUser): void {
  token = newToken;
  user = newUser;
  write(TOKEN_KEY, newToken);
  write(USER_KEY, JSON.stringify(newUser));
  emit();
}

export function updateUser(newUser: SessionUser): void {
  if (!token) return;
  user = { ...newUser, displayName: newUser.displayName ?? user?.displayName ?? null };
  write(USER_KEY, JSON.stringify(user));
  emit();
}

export function clearSession(): void {
  token = null;
  user = null;
  write(TOKEN_KEY, null);
  write(USER_KEY, null);
  emit();
}

/** Where to go back to after the next login (set when a session expires mid-use). */
export function rememberReturnPath(path: string): void {
  if (path === '/' || path.startsWith('/login')) return;
  write(RETURN_KEY, path, sessionStorage);
}

export function hasReturnPath(): boolean {
  return !!read(RETURN_KEY, sessionStorage);
}

export function takeReturnPath(): string {
  const p = read(RETURN_KEY, sessionStorage);
  write(RETURN_KEY, null, sessionStorage);
  return p && p.startsWith('/') && !p.startsWith('//') && !p.startsWith('/login') ? p : '/';
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  const onStorage = (e: StorageEvent) => {
    if (e.key !== TOKEN_KEY && e.key !== USER_KEY) return;
    token = read(TOKEN_KEY);
    user = token ? parseUser(read(USER_KEY)) : null;
    l();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(l);
    window.removeEventListener('storage', onStorage);
  };
}

export function useSessionUser(): SessionUser | null {
  return useSyncExternalStore(subscribe, getUser, getUser);
}

export const isManager = (role: Role | undefined): boolean => role === 'admin' || role === 'supervisor';
