import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Small onnx-proto builders for the inference graph: tensors, nodes, attributes and value infos.
 * Everything is built in a fixed order, so the same arguments give the same bytes.
 */

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const STRING = onnx.TensorProto.DataType.STRING;

/** A float32 initializer, data little-endian in raw_data. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  data: Float32Array,
): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] as number, true);
  return { name, dims: [...dims], dataType: FLOAT, rawData: bytes };
}

/** An int64 initializer (small values, written as int64_data). */
export function int64Tensor(
  name: string,
  dims: readonly number[],
  data: readonly number[],
): onnxProto.onnx.ITensorProto {
  return { name, dims: [...dims], dataType: INT64, int64Data: [...data] };
}

export type AttributeValue =
  | { int: number }
  | { ints: readonly number[] }
  | { float: number }
  | { strings: readonly string[] };

function attribute(name: string, v: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('int' in v) return { name, type: T.INT, i: v.int };
  if ('ints' in v) return { name, type: T.INTS, ints: [...v.ints] };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  const enc = new TextEncoder();
  return { name, type: T.STRINGS, strings: v.strings.map((s) => enc.encode(s)) };
}

/** A node; attributes in the order given. */
export function node(p: {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  domain?: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}): onnxProto.onnx.INodeProto {
  return {
    opType: p.op,
    input: [...p.inputs],
    output: [...p.outputs],
    name: p.name,
    ...(p.domain ? { domain: p.domain } : {}),
    attribute: Object.entries(p.attributes ?? {}).map(([k, v]) => attribute(k, v)),
  };
}

/** A tensor value info: element type and dims (a string is a symbolic dim, e.g. 'N'). */
export function valueInfo(
  name: string,
  elemType: number,
  dims: readonly (number | string)[],
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** Encodes a model to bytes. */
export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** Decodes model bytes (throws protobufjs's error on bytes that are not a ModelProto). */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
