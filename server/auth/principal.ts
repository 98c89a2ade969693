export const ROLES = ['admin', 'supervisor', 'operator', 'seller', 'carrier'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: a logged-in user or an API key, with the owner/carrier it is bound to. */
export interface Principal {
  kind: 'user' | 'apiKey';
  userId: number | null;
  apiKeyId: number | null;
  name: string;
  role: Role;
  ownerId: number | null;
  carrierId: number | null;
  tokenHash?: string;
}

/** Passed from routes into services: who acts, and the request to tie audit rows to. */
export interface Caller {
  principal: Principal;
  requestId: string;
}

export const SYSTEM_CALLER: Caller = {
  principal: { kind: 'user', userId: null, apiKeyId: null, name: 'system', role: 'admin', ownerId: null, carrierId: null },
  requestId: 'system',
};
