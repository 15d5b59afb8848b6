// The compiled-once statements of the case store: each run takes its own values, constants stay, a value used twice
// is substituted twice, a missing value is NULL, multi-row inserts keep their rows apart.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { StatementCache } from '../../src/triage/store/statements.js';

interface Db {
  t: { a: string; b: number | null; c: string | null };
}

describe('StatementCache', () => {
  it('substitutes each run\'s values into the statement compiled on the first run', async () => {
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    await db.schema.createTable('t').addColumn('a', 'text').addColumn('b', 'integer').addColumn('c', 'text').execute();
    const cache = new StatementCache();
    const insert = (rows: Db['t'][]) =>
      cache.run(db, `insert:${rows.length}`, rows, (v) => db.insertInto('t').values(v));
    await insert([{ a: 'x', b: 1, c: 'p' }, { a: 'y', b: 2, c: null }]);
    await insert([{ a: 'z', b: null, c: 'q' }, { a: 'w', b: 4, c: undefined as unknown as null }]);
    await insert([{ a: 'v', b: 5, c: 'r' }]);
    const select = (a: string) =>
      cache.run(db, 'select', { a }, (v) =>
        db.selectFrom('t').selectAll().where((eb) => eb.or([eb.and([eb('a', '=', v.a), eb('b', 'in', [1, 4, 5])]), eb('c', '=', v.a)])),
      );
    expect((await select('x')).rows).toEqual([{ a: 'x', b: 1, c: 'p' }]);
    expect((await select('w')).rows).toEqual([{ a: 'w', b: 4, c: null }]);
    expect((await select('q')).rows).toEqual([{ a: 'z', b: null, c: 'q' }]);
    expect((await db.selectFrom('t').select('a').orderBy('a').execute()).map((row) => row.a)).toEqual(['v', 'w', 'x', 'y', 'z']);
    await expect(
      cache.run(db, 'inlined', { a: 'x' }, (v) => db.selectFrom('t').selectAll().where('a', '=', sql.lit(v.a))),
    ).rejects.toThrow(/inlines a value/);
    await db.destroy();
  });
});
