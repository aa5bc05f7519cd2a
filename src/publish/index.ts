/**
 * `sinso/publish`: a committed, k-anonymous tables folder → encrypted, content-addressed files,
 * the ERC-721 metadata manifest (token URI), a CAR and publish.json.
 */
export { PublishError, type PublishErrorType } from './errors.js';
export {
  type FetchPublishedParameters,
  type FetchPublishedReturnType,
  fetchCommitment,
  fetchPublished,
} from './fetchPublished.js';
export {
  ENCRYPTION_SCHEME,
  type PublishDatasetParameters,
  type PublishDatasetReturnType,
  publishDataset,
} from './publishDataset.js';
export {
  type PublishOptions,
  PublishOptionsSchema,
  type PublishResult,
  PublishResultSchema,
} from './schema.js';
export { publishDatasetId, publishStage } from './stage.js';
