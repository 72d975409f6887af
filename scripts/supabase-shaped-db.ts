// A database shaped as Supabase shapes its own, on a plain PostgreSQL 15 cluster whose bootstrap
// superuser is supabase_admin (scripts/supabase-shaped-cluster.sh makes one): so Parley's
// migrations and tests run as Supabase's `postgres` role, which is not a superuser there, and hit
// the same permission errors they would hit on a real project. The SQL, and which upstream files
// each part follows, is in scripts/supabase-shaped-db/.
//
//   node scripts/supabase-shaped-db.ts <adminUrl> <database>   prints the database's URL for postgres
import { readFile } from 'node:fs/promises';
import pg from 'pg';

export type SupabaseShapedDbOptions = {
  /** A superuser (supabase_admin) connection to a database other than `database`, e.g. `postgres`. */
  adminUrl: string;
  /** Dropped if it exists and created again, owned by postgres. */
  database: string;
};

export type SupabaseShapedDb = {
  /** As Supabase's `postgres` role (password `postgres`): what migrations and the app's server side use. */
  postgresUrl: string;
  /** As PostgREST's `authenticator` (password `authenticator`), which may only SET ROLE to the API roles. */
  authenticatorUrl: string;
};

const sqlFile = (name: string) => readFile(new URL(`./supabase-shaped-db/${name}`, import.meta.url), 'utf8');

/** Runs `body` on a connection to `url`, closing it whatever happens. */
async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** `url` on another database and, if given, as another role; the host, port and query stay. */
function urlFor(url: string, database: string, role?: { user: string; password: string }): string {
  const result = new URL(url);
  result.pathname = `/${encodeURIComponent(database)}`;
  if (role) {
    result.username = encodeURIComponent(role.user);
    result.password = encodeURIComponent(role.password);
  }
  return result.toString();
}

export async function createSupabaseShapedDb(options: SupabaseShapedDbOptions): Promise<SupabaseShapedDb> {
  const { adminUrl, database } = options;
  const [clusterSql, databaseSql] = await Promise.all([sqlFile('cluster.sql'), sqlFile('database.sql')]);

  await withClient(adminUrl, async (admin) => {
    // One simple-protocol query is one transaction: the roles change all at once or not at all.
    await admin.query(clusterSql);
    const name = admin.escapeIdentifier(database);
    // FORCE ends the sessions still connected (a previous run's pools), which would block the drop.
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    // template0: template1 may have sessions (adminUrl's own, possibly), and then cannot be copied.
    await admin.query(`CREATE DATABASE ${name} OWNER postgres TEMPLATE template0`);
  });
  await withClient(urlFor(adminUrl, database), (admin) => admin.query(databaseSql));

  return {
    postgresUrl: urlFor(adminUrl, database, { user: 'postgres', password: 'postgres' }),
    authenticatorUrl: urlFor(adminUrl, database, { user: 'authenticator', password: 'authenticator' }),
  };
}

if (import.meta.main) {
  const [adminUrl, database] = process.argv.slice(2);
  if (!adminUrl || !database) {
    console.error('usage: node scripts/supabase-shaped-db.ts <adminUrl> <database>');
    process.exit(2);
  }
  createSupabaseShapedDb({ adminUrl, database }).then(
    ({ postgresUrl }) => console.log(postgresUrl),
    (error: unknown) => {
      console.error(`supabase-shaped-db: ${(error as Error)?.message ?? error}`);
      process.exit(1);
    },
  );
}
