// Markdown tables of one results file, for bench/README.md:
// `node bench/report.mjs [bench/results/<date>.json]` (the newest run by default).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BENCH } from './lib.mjs';

const folder = path.join(BENCH, 'results');
// The newest run by the date it records (file names number the runs of a day from 2 on).
const newest = () =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .map((name) => path.join(folder, name))
    .sort((a, b) =>
      JSON.parse(readFileSync(a, 'utf8')).date.localeCompare(JSON.parse(readFileSync(b, 'utf8')).date),
    )
    .at(-1);
const file = process.argv[2] ?? newest();
const results = JSON.parse(readFileSync(file, 'utf8'));
const m = results.machine;

const cell = (value) => (value === undefined || value === null ? '' : String(value));
const table = (header, rows) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');

const lines = [];
lines.push(
  `Run of ${results.date.slice(0, 16).replace('T', ' ')} UTC (\`${path.relative(BENCH, file)}\`), ` +
    `app at commit ${m.commit}${m.uncommittedChanges ? ' with uncommitted changes' : ''}; ` +
    `${results.wallSeconds} s in all.`,
  '',
  `Machine: ${m.cores} cores (${m.cpuModel}), ${/Mem:\s+(\S+)/.exec(m.memory)?.[1] ?? m.memory} RAM, ` +
    `Linux ${m.kernel}, Node ${m.node}, PostgreSQL ${m.postgres} (shared_buffers ${results.database?.shared_buffers}). ` +
    `Load average ${m.loadAverageAtStart.join(' / ')} at the start and ${m.loadAverageAtEnd?.join(' / ')} at the end ` +
    '(other work was running on the machine).',
  '',
);

const rows = [];
for (const [id, scenario] of Object.entries(results.scenarios)) {
  const floorRps = scenario.floor?.rps ?? scenario['floor cursor']?.rps;
  for (const [side, r] of Object.entries(scenario)) {
    if (!r || typeof r !== 'object' || !('runs' in r)) continue;
    const vsFloor =
      floorRps && (side === 'app' || side === 'app cursor') ? (r.rps / floorRps).toFixed(2) : '';
    rows.push([
      id,
      side,
      r.rps,
      vsFloor,
      r.p50,
      r.p99,
      r.cpuMsPerRequest,
      r.eventLoopP99Ms,
      r.controlEventLoopP99Ms,
      r.rssPeakMb,
      r.failures,
    ]);
  }
}
lines.push(
  table(
    [
      'scenario',
      'side',
      'req/s',
      'vs floor',
      'p50 ms',
      'p99 ms',
      'CPU ms/req',
      'loop delay p99 ms',
      'idle loop p99 ms',
      'RSS peak MB',
      'failures',
    ],
    rows,
  ),
  '',
);
lines.push(
  table(
    ['target', 'measured', 'limit', 'result', 'note'],
    results.targets.map((t) => [
      t.target,
      `${t.measured}${t.unit}`,
      `${t.limit}${t.unit}`,
      t.pass === undefined ? 'information' : t.pass ? 'met' : '**missed**',
      t.note,
    ]),
  ),
  '',
);
lines.push(
  table(
    ['query (1,000,000 posts)', 'plan', 'execution ms'],
    Object.entries(results.plans).map(([name, plan]) => [name, plan.nodes.join(' → '), plan.executionMs]),
  ),
);
console.log(lines.join('\n'));
