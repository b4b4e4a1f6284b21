// Preloaded by bench/profile.mjs (`node --import ./bench/profile-probe.mjs dist/server.js`): the first
// SIGWINCH starts V8's CPU profiler, the second stops it and writes the profile to BENCH_PROFILE_FILE.
// Unlike `--cpu-prof`, the profile then covers the load alone, not the start-up.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.BENCH_PROFILE_FILE;

if (file) {
  const session = new Session();
  session.connect();
  const post = (method, params = {}) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  let profiling = false;
  process.on('SIGWINCH', () => {
    const step = profiling
      ? post('Profiler.stop').then(({ profile }) => writeFileSync(file, JSON.stringify(profile)))
      : post('Profiler.enable')
          .then(() => post('Profiler.setSamplingInterval', { interval: 500 }))
          .then(() => post('Profiler.start'));
    profiling = !profiling;
    step.catch((error) => console.error('profile probe:', error));
  });
}
