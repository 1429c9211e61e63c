/** Only the memory part of bench/export.ts; `--format parquet` measures Parquet exports instead. */
import { benchExportMemory, benchExportMemoryParquet } from './export';

const parquet = process.argv.includes('--format') && process.argv[process.argv.indexOf('--format') + 1] === 'parquet';
for (const run of parquet ? await benchExportMemoryParquet() : await benchExportMemory()) {
  console.log(
    `${run.size} records over ${run.hours} h, heap ${run.heap}: ${run.pages} pages, ${(run.elapsedMs / 1000).toFixed(1)} s, peak heap used ${run.maxHeapUsedMb.toFixed(1)} MB, peak RSS ${run.maxRssMb.toFixed(1)} MB`,
  );
}
