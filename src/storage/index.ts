export {
  type BlockSink,
  cidOfBytes,
  cidOfFile,
  cidOfStream,
  UNIXFS_PARAMS,
  type UnixfsParams,
} from '../core/cid.js';
export {
  addFile,
  type Blockstore,
  blockPath,
  openBlockstore,
  type VerifyBlockReturnType,
  verifyBlock,
  workspaceBlockstore,
} from './blockstore.js';
export {
  type CarSummary,
  carStream,
  exportFile,
  exportFileTo,
  importCar,
  paddedPieceSize,
  verifyCar,
  type WriteCarParameters,
  walkDags,
  writeCar,
} from './car.js';
export { blockLinks } from './dagPb.js';
export {
  decryptBytes,
  decryptFile,
  ENCRYPTION_FORMAT,
  type EncryptOptions,
  encryptBytes,
  encryptFile,
} from './encryption.js';
export {
  StorageError,
  type StorageErrorType,
  storageErrors,
} from './errors.js';
export {
  type PublishToIpfsParameters,
  type PublishToIpfsReturnType,
  publishToIpfs,
  splitCredentials,
} from './ipfs.js';
export { type RandomBytes, unwrapKey, type WrapKeyParameters, wrapKey } from './keyWrap.js';
export { WRAP_SCHEME, type WrappedKey, WrappedKeySchema } from './schema.js';
