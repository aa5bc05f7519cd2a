/**
 * The model shape and parameter types of the training contract (notes/train-contract.md),
 * declared here for the export side (preprocessing, inference graph, model card) until they are
 * unified with src/train/model.ts, which declares the same types.
 */

/** Logistic regression, or an MLP with the given hidden sizes (ReLU between layers). */
export type Architecture = { kind: 'logistic' } | { kind: 'mlp'; hidden: readonly number[] };

/** How many encoded features the model takes, and its architecture. */
export type ModelShape = { features: number; architecture: Architecture };

/**
 * One parameter tensor. Parameters come in a fixed order: per layer l = 1..L, `w{l}` dims
 * [in, out] row-major, then `b{l}` dims [out]. The output layer has out = 1 (the logit).
 */
export type Param = { name: string; dims: number[]; data: Float32Array };
