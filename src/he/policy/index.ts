/**
 * The release policy of the HE key holder, its pure parts and its ledger: differential-privacy
 * noise, the differencing check, and the per-dataset privacy budget ledger.
 */
export { checkDifferencing, contains, describeScope, type ReleasedGroup } from './differencing.js';
export {
  type Budget,
  type LedgerEntry,
  LedgerFileSchema,
  type Ledgers,
  openLedgers,
  type Reservation,
  type Spent,
} from './ledger.js';
export {
  drawGaussian,
  drawLaplace,
  erfc,
  erfcx,
  gaussianDelta,
  gaussianSigma,
  laplaceScale,
  type Mechanism,
  noisy,
  normalCdf,
  type Uniforms,
} from './noise.js';
