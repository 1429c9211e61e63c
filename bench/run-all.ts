/** `npm run bench`: every benchmark, printed as Markdown for bench/RESULTS.md. */
import { cpus } from 'node:os';
import { benchDataset, formatDataset } from './dataset';
import { benchNormalize, formatNormalize } from './normalize';
import { benchQueryOverhead, formatQueryOverhead } from './query-overhead';

console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}\n`);
console.log('### Query function overhead\n');
console.log(formatQueryOverhead(await benchQueryOverhead()));
console.log('\n### Normalization throughput\n');
console.log('| benchmark | result | |\n|---|---|---|');
console.log(formatNormalize(benchNormalize()));
console.log(formatDataset(benchDataset()));
