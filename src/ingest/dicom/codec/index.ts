/** The DICOM codec: Part 10 files and data sets at the element level (read, walk, write). */
export {
  type CharacterSetDecoderParameters,
  type CharacterSetDecoderReturnType,
  characterSetDecoder,
} from './characterSetDecoder.js';
export {
  type DecodeTextParameters,
  type DecodeTextReturnType,
  decodeText,
} from './decodeText.js';
export {
  type EncodeTextParameters,
  type EncodeTextReturnType,
  encodeText,
} from './encodeText.js';
export {
  DicomCodecError,
  type DicomCodecErrorCode,
  type DicomCodecErrorType,
  dicomCodecErrors,
} from './errors.js';
export {
  type LookupVrErrorType,
  type LookupVrParameters,
  type LookupVrReturnType,
  lookupVr,
} from './lookupVr.js';
export {
  MAX_SEQUENCE_DEPTH,
  type ParseDicomErrorType,
  type ParseDicomParameters,
  type ParseDicomReturnType,
  parseDicom,
} from './parseDicom.js';
export {
  type ParseTagStringErrorType,
  type ParseTagStringParameters,
  type ParseTagStringReturnType,
  parseTagString,
} from './parseTagString.js';
export {
  type ReadFileMetaParameters,
  type ReadFileMetaReturnType,
  readFileMeta,
} from './readFileMeta.js';
export { type ReadUint16Parameters, type ReadUint16ReturnType, readUint16 } from './readUint16.js';
export { type ReadUint32Parameters, type ReadUint32ReturnType, readUint32 } from './readUint32.js';
export {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  type ResolveTransferSyntaxErrorType,
  type ResolveTransferSyntaxParameters,
  type ResolveTransferSyntaxReturnType,
  resolveTransferSyntax,
} from './resolveTransferSyntax.js';
export {
  type DicomSniff,
  type SniffDicomParameters,
  type SniffDicomReturnType,
  sniffDicom,
} from './sniffDicom.js';
export { type TagStringParameters, type TagStringReturnType, tagString } from './tagString.js';
export type { DicomElement, DicomFile, Tag, TransferSyntaxInfo } from './types.js';
export { PIXEL_DATA } from './vrs.js';
export {
  type ElementPath,
  type ElementPathStep,
  type WalkElementsParameters,
  type WalkElementsReturnType,
  type WalkElementsVisitor,
  walkElements,
} from './walkElements.js';
export {
  type WriteDicomErrorType,
  type WriteDicomParameters,
  type WriteDicomPartsOptions,
  type WriteDicomReturnType,
  writeDicom,
  writeDicomParts,
} from './writeDicom.js';
