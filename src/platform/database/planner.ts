/**
 * Planner settings of the app's sessions. A random page read is priced nearly as a sequential one: a
 * blog's working set lives in memory or on SSD, where that is so, and PostgreSQL's default of 4 is for
 * disks. With 4, on search rows written in date order, walking the newest-first index (its heap read
 * in order) looked as cheap as reading a word's matches through the GIN index (scattered reads), and
 * the planner walked for a word in 1% of a million posts: 100,000 rows read, 150-340 ms, where the GIN
 * index reads its 10,000 matches in about 40 ms (bench/README.md). Sent as startup options when each
 * session starts (DATABASE_PLANNER_SETTINGS); a pooler that refuses those needs them on the role
 * (README, Operations, "Planner setting").
 */
const PLANNER_SETTINGS = { random_page_cost: '1.1' } as const;

export const plannerSettings = Object.entries(PLANNER_SETTINGS);

/** The settings as a session's startup `options`. */
export const plannerOptions = plannerSettings.map(([name, value]) => `-c ${name}=${value}`).join(' ');
