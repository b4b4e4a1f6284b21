import { fillPlaceholders, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../src/platform/database/database.js';
import { statementOf } from '../../src/platform/database/prepared.js';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]`;
  throw new TypeError(`no SQL literal for ${typeof value}`);
}

/**
 * The plan of a repository's own prepared statement for these values, as PostgreSQL makes it for the
 * app: the statement's text is PREPAREd and EXPLAINed as an EXECUTE (on one connection, in one
 * transaction), so a change to the repository's query changes what is explained. With `generic`, the
 * plan made without the values, which PostgreSQL may keep for a statement after its fifth execution.
 */
export async function planOf(
  db: Database,
  statement: unknown,
  values: Record<string, unknown> = {},
  { generic = false } = {},
): Promise<PlanNode[]> {
  const { sql: text, params } = statementOf(statement);
  const args = fillPlaceholders(params, values).map(literal);
  const plan = await db.transaction(async (tx) => {
    if (generic) await tx.execute(sql.raw('SET LOCAL plan_cache_mode = force_generic_plan'));
    await tx.execute(sql.raw(`PREPARE plan_probe AS ${text}`));
    const result: unknown = await tx.execute(
      sql.raw(`EXPLAIN (FORMAT JSON) EXECUTE plan_probe${args.length ? `(${args.join(', ')})` : ''}`),
    );
    await tx.execute(sql.raw('DEALLOCATE plan_probe'));
    return (result as { rows: Record<string, unknown>[] }).rows[0]?.['QUERY PLAN'];
  });
  const [document] = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: PlanNode }];
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk(document.Plan);
  return nodes;
}

export const describePlan = (nodes: PlanNode[]) =>
  nodes.map((n) => `${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}`).join(' > ');

/**
 * No sequential scan of `tables`, no sort (the order comes from an index), and every index in
 * `indexes` is used.
 */
export function expectIndexPath(nodes: PlanNode[], indexes: string[], tables = ['posts', 'users']): void {
  const seqScans = nodes.filter(
    (n) => n['Node Type'] === 'Seq Scan' && tables.includes(n['Relation Name'] ?? ''),
  );
  expect(seqScans, describePlan(nodes)).toEqual([]);
  const sorts = nodes.filter((n) => n['Node Type'].includes('Sort'));
  expect(sorts, describePlan(nodes)).toEqual([]);
  const used = nodes.map((n) => n['Index Name']).filter(Boolean);
  for (const index of indexes) expect(used, describePlan(nodes)).toContain(index);
}
