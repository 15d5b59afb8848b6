export interface RunningPostgres {
  port: number;
  dir: string;
  /** A new empty database on the server: `postgres://vigie@127.0.0.1:port/name`. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** The newest `/usr/lib/postgresql/<version>/bin` with initdb and pg_ctl (or `VIGIE_PG_BIN`); undefined, said once on stderr, when absent. */
export function postgresBinaries(): string | undefined;

/** Starts a server in a temporary directory on a free loopback port; undefined when PostgreSQL is not installed. */
export function startPostgres(options?: { fsync?: boolean }): Promise<RunningPostgres | undefined>;
