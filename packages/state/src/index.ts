export { stateKeys, type StateKeys } from './keys.js';
export { createMaxHash, type MaxHash } from './max-hash.js';
export { createWatermarks, type VersionedSoul, type Watermarks } from './watermarks.js';
export { createTombstones, type Tombstones } from './tombstones.js';
export {
  DeadLetter,
  createDeadLetters,
  type DeadLetterInput,
  type DeadLetters,
  type Resolution,
} from './dead-letters.js';
export {
  createStats,
  keptFreshness,
  summarizeFreshness,
  type FreshnessSummary,
  type CycleRecord,
  type Outcome,
  type ReconcileSummary,
  type Stats,
  type StatsSnapshot,
} from './stats.js';
export { createPolicySkips, type PolicySkips } from './policy-skips.js';
export { createScanMarks, type ScanMark, type ScanMarks } from './scan-marks.js';
export { createEntrySpill, type EntrySpill, type SpilledEntry } from './entry-spill.js';
