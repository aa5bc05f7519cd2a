/**
 * The element-level model of a DICOM file: values stay raw bytes (views into the input, never
 * decoded unless an action needs them), so de-identification never touches pixel data.
 */

/** (group << 16 | element) >>> 0, e.g. 0x00100010 for PatientName. */
export type Tag = number;

export type DicomElement = {
  tag: Tag;
  /** Two-letter VR: explicit from the file, or from the dictionary for implicit VR ('UN' if unknown). */
  vr: string;
  /** Raw value bytes in the data set's byte order; absent for SQ and encapsulated pixel data. */
  value?: Uint8Array | undefined;
  /** Sequence items, each a list of elements (SQ, and UN that holds an undefined-length sequence). */
  items?: DicomElement[][] | undefined;
  /** Encapsulated (compressed) pixel data: basic offset table and fragments, bytes kept as read. */
  encapsulated?: { offsetTable: Uint8Array; fragments: Uint8Array[] } | undefined;
  /** Whether the input encoded it with undefined length (kept on write for SQ and items). */
  undefinedLength?: boolean | undefined;
  /**
   * Whether the items of this sequence had undefined length (the first item decides; kept on
   * write). Absent: as `undefinedLength`.
   */
  undefinedItemLength?: boolean | undefined;
};

export type TransferSyntaxInfo = {
  uid: string;
  littleEndian: boolean;
  explicitVR: boolean;
  /** Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99): the data set is zlib-deflated. */
  deflated: boolean;
  /** Compressed pixel data (JPEG, JPEG-LS, JPEG 2000, RLE, …): PixelData is encapsulated. */
  encapsulated: boolean;
};

export type DicomFile = {
  /** 128-byte preamble, or undefined when the input had no preamble and no 'DICM'. */
  preamble: Uint8Array | undefined;
  /** File meta information (group 0002), always explicit VR little endian. */
  meta: DicomElement[];
  /** The data set, in tag order as read. */
  dataset: DicomElement[];
  syntax: TransferSyntaxInfo;
};
