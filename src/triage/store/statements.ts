/**
 * Statements compiled once and run many times. Building and compiling a Kysely query costs ~60 µs of CPU, five times
 * what SQLite takes to run it, and the pipeline runs the same few statements for every report; so each hot statement
 * is built once from placeholder values, and later runs only substitute the new values into its parameters.
 *
 * The builder function must only *place* the values it is given (no `??`, no arithmetic on them): the first build
 * receives markers, and each compiled parameter is traced back to the value it came from.
 */
import type { CompiledQuery, Compilable, QueryResult } from 'kysely';

/** What runs a compiled query: the store's Kysely instance or a transaction's. */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

type Path = (string | number)[];
type Slot = { path: Path } | { constant: unknown };

interface Prepared {
  query: CompiledQuery;
  slots: Slot[];
}

const MARK = '\u0000vigie-parameter:';

/** Replaces every leaf of `value` by a marker string and records where each marker came from. */
function mark(value: unknown, path: Path, paths: Map<string, Path>): unknown {
  if (Array.isArray(value)) return value.map((item, index) => mark(item, [...path, index], paths));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mark(item, [...path, key], paths)]));
  }
  const marker = `${MARK}${paths.size}`;
  paths.set(marker, path);
  return marker;
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  // A value left out is SQL NULL (the first build placed a marker for it).
  return value ?? null;
}

export class StatementCache {
  private readonly prepared = new Map<string, Prepared>();

  /**
   * Runs the statement `name` (one name per query shape: include a row count in it for multi-row inserts) with
   * `values`, on `db` (the store's connection or a transaction's).
   */
  async run<V extends object, R>(
    db: QueryRunner,
    name: string,
    values: V,
    build: (values: V) => Compilable<R>,
  ): Promise<QueryResult<R>> {
    let prepared = this.prepared.get(name);
    if (!prepared) {
      const paths = new Map<string, Path>();
      const query = build(mark(values, [], paths) as V).compile();
      // A value written into the SQL text rather than passed as a parameter cannot be substituted later.
      if (query.sql.includes(MARK)) throw new Error(`statement ${name} inlines a value; it cannot be compiled once`);
      const slots = query.parameters.map((parameter): Slot => {
        const path = typeof parameter === 'string' ? paths.get(parameter) : undefined;
        return path ? { path } : { constant: parameter };
      });
      prepared = { query, slots };
      this.prepared.set(name, prepared);
    }
    const parameters = prepared.slots.map((slot) => ('path' in slot ? valueAt(values, slot.path) : slot.constant));
    return db.executeQuery<R>({ ...(prepared.query as CompiledQuery<R>), parameters });
  }
}
