// Types of @gatehouse/client (hand-written: the package is plain JavaScript, no build step).

/** How far a grant reaches, narrowest last; a wider scope implies the narrower ones. */
export type Scope = 'TENANT' | 'LOCATION' | 'ASSIGNED' | 'OWN';

/** One entry of `grants` in `GET /api/v1/me`: a permission held now, at its widest. */
export interface MeGrant {
  permission: string;
  scope: Scope;
  /** Held tenant-wide (a LOCATION grant then reaches every location). */
  everywhere: boolean;
  /** Every location at or below where it is held (when not everywhere). */
  locations: string[];
  /** A grant giving it carries a condition the browser cannot evaluate. */
  conditional: boolean;
}

/** The body of `GET /api/v1/me` (the fields this package reads, and the rest). */
export interface Me {
  user: { id: string; username: string; [field: string]: unknown };
  tenant?: { id: string; slug: string };
  permissions?: string[];
  grants: MeGrant[];
  locations?: Array<{ id: string; name: string }>;
  requiredActions?: string[];
  [field: string]: unknown;
}

/** What a permission is asked about; ids are compared as the server does (UUIDs in any case). */
export interface Resource {
  location?: string;
  owner?: string;
  assignees?: string[];
}

export interface AskOptions {
  /**
   * Answer a conditional grant as if its condition held. The browser cannot evaluate conditions
   * (CEL over the resource, the time, the address), so by default such a grant answers false.
   */
  trustConditional?: boolean;
}

export interface Permissions {
  /** Whether the user may use the permission on the resource, or anywhere when none is named. */
  can(permission: string, resource?: Resource | null, options?: AskOptions): boolean;
  /** At least one of the permissions; false for an empty list. */
  canAny(permissions: string[], resource?: Resource | null, options?: AskOptions): boolean;
  /** Every one of the permissions; false for an empty list. */
  canAll(permissions: string[], resource?: Resource | null, options?: AskOptions): boolean;
  readonly user: Readonly<Me['user']>;
  readonly locations: ReadonlyArray<Readonly<{ id: string; name: string }>>;
  /** The keys of every permission held now. */
  readonly permissions: readonly string[];
}

/** Questions over a `GET /api/v1/me` snapshot; `defaults` apply to every question that gives no options. */
export function createPermissions(me: Me, defaults?: AskOptions): Permissions;

/** An id as the server compares it: a UUID in lower case, other text as given. */
export function canonicalId<T>(id: T): T;

export type LoadFailure = 'signed-out' | 'forbidden' | 'network' | 'response';

export class PermissionsLoadError extends Error {
  readonly name: 'PermissionsLoadError';
  /** signed-out: 401; forbidden: 403; network: no answer; response: any other answer, or no JSON. */
  readonly kind: LoadFailure;
  readonly status?: number;
  /** The server's problem document (RFC 9457), when it sent one. */
  readonly problem?: { title?: string; detail?: string; status?: number; [field: string]: unknown };
}

export interface LoadOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  defaults?: AskOptions;
}

/** `GET {baseUrl}/api/v1/me` with the bearer token; rejects with a PermissionsLoadError. */
export function loadPermissions(options: LoadOptions): Promise<Permissions>;

/**
 * Sets `hidden` on every element under `root` (and on `root`) with `data-requires`,
 * `data-requires-any` or `data-requires-location` that the user may not use; clears it on the others.
 */
export function applyPermissions(
  root: ParentNode,
  permissions: Pick<Permissions, 'can' | 'canAny' | 'canAll'>,
): { shown: number; hidden: number };
