/** Only the memory part of bench/export.ts. */
import { benchExportMemory } from './export';

for (const run of await benchExportMemory()) {
  console.log(
    `${run.size} records over ${run.hours} h, heap ${run.heap}: ${run.pages} pages, ${(run.elapsedMs / 1000).toFixed(1)} s, peak heap used ${run.maxHeapUsedMb.toFixed(1)} MB, peak RSS ${run.maxRssMb.toFixed(1)} MB`,
  );
}
