// Shapes results and Postgres errors into the JSON Neon's proxy returns, which the driver parses
// with its type parsers keyed by each field's dataTypeID. Values are always Postgres text, as
// Neon returns them under `Neon-Raw-Text-Output: true` (the driver always sends it); Neon's
// JSON-typed output for clients that omit the header is not emulated.
import type { FieldDef, QueryArrayResult } from 'pg';

export type NeonField = Omit<FieldDef, 'format'> & { format: 'text' };

export type NeonResult = {
  command: string;
  rowCount: number | null;
  rows: (string | null)[][] | Record<string, string | null>[];
  fields: NeonField[];
  rowAsArray: boolean;
};

/** The error fields Neon returns and the driver copies onto NeonDbError. */
const ERROR_FIELDS = [
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'severity',
  'where',
  'table',
  'column',
  'schema',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

export type PostgresError = Error & Partial<Record<(typeof ERROR_FIELDS)[number], string>>;

/** Rows arrive as arrays of Postgres text (see the backends' type parsers). */
export function toNeonResult(result: QueryArrayResult<(string | null)[]>, arrayMode: boolean): NeonResult {
  const fields = result.fields.map(
    ({ name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier }): NeonField => ({
      name,
      dataTypeID,
      tableID,
      columnID,
      dataTypeSize,
      dataTypeModifier,
      format: 'text',
    }),
  );
  const rows = arrayMode
    ? result.rows
    : result.rows.map((row) => Object.fromEntries(row.map((value, i) => [fields[i]?.name, value])));
  return { command: result.command ?? '', rowCount: result.rowCount ?? null, rows, fields, rowAsArray: arrayMode };
}

/**
 * Duck-typed because PGlite's adapter raises its own DatabaseError class, not pg's; both carry
 * the server's severity and SQLSTATE.
 */
export function isPostgresError(error: unknown): error is PostgresError {
  return (
    error instanceof Error &&
    typeof (error as PostgresError).severity === 'string' &&
    typeof (error as PostgresError).code === 'string'
  );
}

export function toNeonError(error: PostgresError): Record<string, string | null> {
  const body: Record<string, string | null> = { message: error.message };
  for (const field of ERROR_FIELDS) body[field] = error[field] ?? null;
  return body;
}
