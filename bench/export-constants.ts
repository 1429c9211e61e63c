/** Shared by the export benchmark's parent and child processes. */
export const BENCH_INSTANCE = 'ccc_xp_pre-cn-bench001';
export const BENCH_FROM = Date.UTC(2026, 9, 1);
