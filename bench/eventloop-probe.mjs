// Preloaded into the measured process (`node --import ./bench/eventloop-probe.mjs dist/server.js`).
// It watches the event loop's delay with perf_hooks.monitorEventLoopDelay and, on SIGWINCH, writes the
// histogram gathered since the previous SIGWINCH to BENCH_PROBE_FILE (JSON, milliseconds), then starts
// a fresh one. The runner signals once before a scenario and once after it. SIGWINCH because it is
// ignored by default and nothing in the app listens to it (close-with-grace shuts down on SIGUSR2).
// The histogram records the interval between two ticks of a `resolution` timer, so an idle loop reads
// about RESOLUTION_MS; the delay reported here is that interval minus the resolution (never below 0).
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_PROBE_FILE;
const RESOLUTION_MS = 5;

if (file) {
  let histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  process.on('SIGWINCH', () => {
    histogram.disable();
    const report = {
      at: new Date().toISOString(),
      resolutionMs: RESOLUTION_MS,
      samples: histogram.count,
      meanMs: ms(histogram.mean),
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
      memoryMb: Object.fromEntries(
        Object.entries(process.memoryUsage()).map(([key, bytes]) => [key, Math.round(bytes / 1048576)]),
      ),
    };
    writeFileSync(file, JSON.stringify(report));
    histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
  });
}
