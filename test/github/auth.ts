import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { parse } from 'yaml';
import type { Access, App, Installation, PermissionSet, Repo, Role, State, User } from './state.js';

/** Who made a request, and what they may do. */
export type Principal =
  | { kind: 'app'; actor: User }
  | {
      kind: 'installation';
      actor: User;
      permissions: PermissionSet;
      repositories: Repo[];
      installation: Installation;
    }
  | { kind: 'actions'; actor: User; permissions: PermissionSet; repositories: Repo[] }
  | { kind: 'user'; actor: User };

/** What a route needs: `app` = the app's JWT; otherwise one of the listed permissions (any suffices). */
export type Requirement = 'app' | 'any-token' | Array<[string, Access]>;

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

interface Token {
  principal: Principal;
  expiresAt: number;
}

const ONE_HOUR_MS = 3_600_000;

/**
 * The permission map of an app.yml manifest (`default_permissions`, or `permissions`), e.g.
 * `{ contents: 'write', checks: 'write' }`. GitHub always grants `metadata: read`.
 */
export function permissionsFromAppYml(text: string): PermissionSet {
  const doc = parse(text) as { default_permissions?: PermissionSet; permissions?: PermissionSet } | null;
  const permissions = doc?.default_permissions ?? doc?.permissions;
  if (!permissions || typeof permissions !== 'object')
    throw new Error('app.yml has no default_permissions map');
  return { metadata: 'read', ...permissions };
}

function base64urlJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Issues and checks tokens the way GitHub does for apps, installations, GITHUB_TOKEN and people. */
export class Auth {
  private readonly tokens = new Map<string, Token>();

  constructor(
    private readonly state: State,
    private readonly app: App,
    private readonly publicKey: () => string,
  ) {}

  private mint(prefix: string, principal: Principal): { token: string; expiresAt: string } {
    const token = `${prefix}_${randomBytes(18).toString('base64url')}`;
    const expiresAt = Date.now() + ONE_HOUR_MS;
    this.tokens.set(token, { principal, expiresAt });
    return { token, expiresAt: `${new Date(expiresAt).toISOString().slice(0, 19)}Z` };
  }

  /** An installation token; `narrow` may only drop permissions or repositories, never add (as GitHub). */
  installationToken(
    installation: Installation,
    narrow?: { permissions?: PermissionSet; repositories?: string[] },
  ) {
    let permissions = { ...installation.permissions };
    if (narrow?.permissions) {
      for (const [name, access] of Object.entries(narrow.permissions)) {
        const granted = installation.permissions[name];
        if (!granted || (access === 'write' && granted !== 'write'))
          throw new AuthError(
            403,
            `The permissions requested are not granted to this installation (${name}: ${access}).`,
          );
      }
      permissions = { metadata: 'read', ...narrow.permissions };
    }
    let repositories = installation.repositories;
    if (narrow?.repositories) {
      repositories = narrow.repositories.map((name) => {
        const repo = installation.repositories.find((r) => r.name === name);
        if (!repo)
          throw new AuthError(
            403,
            `There is at least one repository that does not exist or is not accessible: ${name}`,
          );
        return repo;
      });
    }
    const minted = this.mint('ghs', {
      kind: 'installation',
      actor: this.app.bot,
      permissions,
      repositories,
      installation,
    });
    return { ...minted, permissions, repositories };
  }

  /** A GITHUB_TOKEN-style token: the job's `permissions`, on one repository, acting as github-actions[bot]. */
  actionsToken(repo: Repo, permissions: PermissionSet): string {
    const actor = this.state.user('github-actions[bot]', 'Bot');
    return this.mint('ghs', {
      kind: 'actions',
      actor,
      permissions: { metadata: 'read', ...permissions },
      repositories: [repo],
    }).token;
  }

  userToken(user: User): string {
    return this.mint('ghp', { kind: 'user', actor: user }).token;
  }

  /** The principal behind an Authorization header; throws 401 as GitHub does for a bad credential. */
  authenticate(header: string | undefined): Principal | undefined {
    if (!header) return undefined;
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
    if (!match) throw new AuthError(401, 'Bad credentials');
    const credential = match[1]!;
    if (credential.split('.').length === 3) return this.verifyJwt(credential);
    const token = this.tokens.get(credential);
    if (!token || token.expiresAt < Date.now()) throw new AuthError(401, 'Bad credentials');
    return token.principal;
  }

  /** RS256 app JWT: signed with the app's key, `iss` = app id, `exp` at most 10 minutes after `iat`. */
  private verifyJwt(jwt: string): Principal {
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    let claims: Record<string, unknown>;
    try {
      if (base64urlJson(header).alg !== 'RS256') throw new Error('alg');
      claims = base64urlJson(payload);
    } catch {
      throw new AuthError(401, 'A JSON web token could not be decoded');
    }
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey(this.publicKey()),
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) throw new AuthError(401, 'A JSON web token could not be decoded');
    const seconds = Math.floor(Date.now() / 1000);
    const { iss, iat, exp } = claims as { iss?: unknown; iat?: number; exp?: number };
    if (String(iss) !== String(this.app.id))
      throw new AuthError(401, `'Issuer' claim ('iss') must be an Integer`);
    if (typeof exp !== 'number' || exp < seconds)
      throw new AuthError(401, "'Expiration time' claim ('exp') is too far in the past");
    if (typeof iat !== 'number' || exp - iat > 600 || iat > seconds + 60)
      throw new AuthError(401, "'Expiration time' claim ('exp') is too far in the future");
    return { kind: 'app', actor: this.app.bot };
  }

  /**
   * Throws GitHub's answer when `principal` may not do what `requirement` asks on `repo`: 401 without a
   * credential, 404 for a repository the token cannot see, 403 for a missing permission.
   */
  authorize(
    principal: Principal | undefined,
    requirement: Requirement,
    repo: Repo | undefined,
    role?: Role,
    people?: 'read',
  ): void {
    if (requirement === 'app') {
      if (principal?.kind !== 'app') throw new AuthError(401, 'A JSON web token could not be decoded');
      return;
    }
    if (!principal) {
      if (
        repo &&
        !repo.private &&
        requirement !== 'any-token' &&
        requirement.every(([, access]) => access === 'read')
      )
        return;
      throw new AuthError(401, 'Requires authentication');
    }
    if (principal.kind === 'app')
      throw new AuthError(
        403,
        'A JSON web token cannot be used here: authenticate with an installation access token',
      );
    if (requirement === 'any-token') return;
    if (principal.kind === 'user') {
      const needsWrite = people !== 'read' && requirement.every(([, access]) => access === 'write');
      const canWrite = role === 'admin' || role === 'write';
      if (needsWrite && !canWrite) throw new AuthError(403, 'Must have push access to this repository.');
      return;
    }
    if (repo && !principal.repositories.includes(repo))
      throw new AuthError(403, 'Resource not accessible by integration');
    const allowed = requirement.some(([name, access]) => {
      const granted = principal.permissions[name];
      return granted === 'write' || (granted === 'read' && access === 'read');
    });
    if (!allowed) throw new AuthError(403, 'Resource not accessible by integration');
  }
}
