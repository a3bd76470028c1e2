export {
  reconcileStates,
  sampleLimit,
  toStateCounts,
  type ReconcileCounts,
  type ReconcileState,
  type Sample,
  type StateTally,
} from './classify.js';
export { ReconcileError } from './errors.js';
export {
  createReconciler,
  createReconcilerPerRun,
  type Reconciler,
  type ReconcilerSettings,
} from './create-reconciler.js';
export { type ReconcileOptions, type ReconcileReport } from './session.js';
