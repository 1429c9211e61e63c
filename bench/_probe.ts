import { benchExportMemory, EXPORT_HEAP_FLAGS } from './export';
EXPORT_HEAP_FLAGS.splice(0, EXPORT_HEAP_FLAGS.length, '--max-old-space-size=96');
for (const run of await benchExportMemory([
  { size: 200_000, hours: 4 },
  { size: 1_000_000, hours: 24 },
])) {
  if (run.heap.startsWith('V8')) continue;
  console.log(
    `${run.size} / ${run.hours} h (96 MB cap): status ${run.status}, ${(run.elapsedMs / 1000).toFixed(1)} s, heap ${run.maxHeapUsedMb.toFixed(1)} MB, RSS ${run.maxRssMb.toFixed(1)} MB`,
  );
}
