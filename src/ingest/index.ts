export { type WalkedInput, walkInputs } from '../core/walkInputs.js';
export { type ScanInputsReturnType, scanInputs } from './scanInputs.js';
export { type ScanOptions, ScanOptionsSchema } from './schema.js';
export { type DicomSniff, sniffDicom } from './sniffDicom.js';
export { scanStage } from './stage.js';
