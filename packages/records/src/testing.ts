/** Test support (not runtime API; excluded from coverage): the golden vectors of spec/. */

export { loadVector, type VectorName } from '../../../spec/vectors.js';
