/** `postgres://…` or `postgresql://…` is a server; anything else is a file path. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** Where a case's notice drafts go when no folder is given: beside a SQLite case (`<case>.drafts`), else `./vigie-drafts`. */
export function defaultDraftsDir(location: string): string {
  return isPostgresLocation(location) ? 'vigie-drafts' : `${location}.drafts`;
}
