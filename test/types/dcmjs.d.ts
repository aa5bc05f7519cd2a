/** Minimal typings for the parts of dcmjs the tests use (dcmjs ships none). */
declare module 'dcmjs' {
  type Dict = Record<string, { vr: string; Value?: unknown[] }>;
  type DicomDict = { meta: Dict; dict: Dict };
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDict };
      DicomMetaDictionary: { naturalizeDataset(dict: Dict): Record<string, unknown> };
    };
  };
  export default dcmjs;
}
