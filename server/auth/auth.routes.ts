import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { login, logout } from './auth.service';
import { ROLES } from './principal';
import { createApiKey, createUser, getUser, listApiKeys, listUsers, revokeApiKey, updateUser } from './users.service';

const Role = z.enum(ROLES).openapi('Role');

const User = z
  .object({
    id: z.number().int(),
    username: z.string(),
    role: Role,
    ownerId: z.number().int().nullable(),
    carrierId: z.number().int().nullable(),
    displayName: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('User');

const Username = z.string().trim().min(2).max(64).regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');
const Password = z.string().min(8, 'at least 8 characters').max(200);

const LoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }).strict().openapi('LoginRequest');

const CreateUserBody = z
  .object({
    username: Username,
    password: Password,
    role: Role,
    ownerId: Id.nullish(),
    carrierId: Id.nullish(),
    displayName: z.string().max(100).optional(),
    badge: z.string().min(3).max(64).optional(),
  })
  .strict()
  .openapi('CreateUser');

const CreateApiKeyBody = z
  .object({ name: z.string().trim().min(1).max(100), role: Role, ownerId: Id.nullish(), carrierId: Id.nullish() })
  .strict()
  .openapi('CreateApiKey');

const ApiKeyCreated = z
  .object({ id: z.number().int(), key: z.string(), name: z.string(), role: Role, ownerId: z.number().nullable(), carrierId: z.number().nullable() })
  .openapi('ApiKeyCreated');

const ApiKey = z
  .object({
    id: z.number().int(),
    name: z.string(),
    prefix: z.string(),
    role: Role,
    ownerId: z.number().nullable(),
    carrierId: z.number().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi('ApiKey');

export function authRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Log in with username and password',
    tag: 'auth',
    roles: 'public',
    body: LoginBody,
    response: {
      status: 200,
      description: 'A bearer token and the user',
      schema: z.object({ token: z.string(), expiresInSeconds: z.number(), user: User }),
    },
    handler: async ({ body, req }) => ({ body: await login(ctx, body.username, body.password, req.ip ?? 'unknown') }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/auth/logout',
    summary: 'Revoke the current login token',
    tag: 'auth',
    response: { status: 204, description: 'Logged out' },
    handler: async ({ caller }) => {
      await logout(ctx, caller);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/auth/me',
    summary: 'Who am I',
    tag: 'auth',
    response: {
      status: 200,
      description: 'The caller',
      schema: z.object({ kind: z.string(), id: z.number().nullable(), username: z.string(), role: Role, ownerId: z.number().nullable(), carrierId: z.number().nullable() }),
    },
    handler: async ({ caller }) => {
      const p = caller.principal;
      return {
        body: { kind: p.kind, id: p.userId ?? p.apiKeyId, username: p.name, role: p.role, ownerId: p.ownerId, carrierId: p.carrierId },
      };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/users',
    summary: 'Create a user',
    tag: 'auth',
    roles: ['admin', 'supervisor'],
    body: CreateUserBody,
    response: { status: 201, description: 'The user', schema: User },
    handler: async ({ body, caller }) => ({ body: await createUser(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/users',
    summary: 'List users',
    tag: 'auth',
    roles: ['admin', 'supervisor'],
    query: ListQuery,
    response: { status: 200, description: 'Users', schema: pageOf(User) },
    handler: async ({ query, caller }) => ({ body: await listUsers(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/users/:id',
    summary: 'One user',
    tag: 'auth',
    roles: ['admin', 'supervisor'],
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The user', schema: User },
    handler: async ({ params, caller }) => ({ body: await getUser(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/users/:id',
    summary: 'Disable or enable a user, reset a password, change name or badge',
    tag: 'auth',
    roles: ['admin', 'supervisor'],
    params: z.object({ id: Id }),
    body: z
      .object({ active: z.boolean().optional(), password: Password.optional(), displayName: z.string().max(100).nullish(), badge: z.string().min(3).max(64).nullish() })
      .strict()
      .openapi('PatchUser'),
    response: { status: 200, description: 'The user', schema: User },
    handler: async ({ params, body, caller }) => ({ body: await updateUser(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/api-keys',
    summary: 'Create an API key (the key is shown once)',
    tag: 'auth',
    roles: ['admin', 'supervisor', 'seller'],
    body: CreateApiKeyBody,
    response: { status: 201, description: 'The key, shown this once', schema: ApiKeyCreated },
    handler: async ({ body, caller }) => ({ body: await createApiKey(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/api-keys',
    summary: 'List API keys (never the keys themselves)',
    tag: 'auth',
    roles: ['admin', 'supervisor', 'seller'],
    query: ListQuery,
    response: { status: 200, description: 'Keys', schema: pageOf(ApiKey) },
    handler: async ({ query, caller }) => ({ body: await listApiKeys(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/api-keys/:id/revoke',
    summary: 'Revoke an API key',
    tag: 'auth',
    roles: ['admin', 'supervisor', 'seller'],
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The revoked key', schema: ApiKey },
    handler: async ({ params, caller }) => ({ body: await revokeApiKey(ctx, caller, params.id) }),
  });
  return r;
}
