import onnxProto from 'onnx-proto';
import { InternalError } from '../../core/errors/index.js';

const { onnx } = onnxProto;

/**
 * The one onnx-proto layer of sinso: the training-step graphs and the inference model are both
 * built with GraphBuilder, and read back with decodeModel.
 */

/** The ONNX IR version and default-domain opset every sinso graph is written with. */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

/** ONNX TensorProto element type codes (as in a decoded model's value infos). */
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const BOOL = onnx.TensorProto.DataType.BOOL;
export const STRING = onnx.TensorProto.DataType.STRING;

/** Element types the graphs use. */
export type ElemType = 'float' | 'int64' | 'bool' | 'string';

const ELEM: Record<ElemType, number> = { float: FLOAT, int64: INT64, bool: BOOL, string: STRING };

/** A dimension: a fixed size, or a symbolic name (e.g. 'N' for the batch). */
export type Dim = number | string;

/** A node attribute, typed explicitly (1 and 1.0 are the same number in JS, not in ONNX). */
export type Attr =
  | { f: number }
  | { i: number }
  | { s: string }
  | { floats: readonly number[] }
  | { ints: readonly number[] }
  | { strings: readonly string[] }
  | { g: onnxProto.onnx.IGraphProto };

/** Attribute constructors: `attr.i(1)`, `attr.f(0.5)`, `attr.ints([0])`, `attr.strings(['a'])`. */
export const attr = {
  f: (f: number): Attr => ({ f }),
  i: (i: number): Attr => ({ i }),
  s: (s: string): Attr => ({ s }),
  floats: (floats: readonly number[]): Attr => ({ floats }),
  ints: (ints: readonly number[]): Attr => ({ ints }),
  strings: (strings: readonly string[]): Attr => ({ strings }),
  g: (g: onnxProto.onnx.IGraphProto): Attr => ({ g }),
};

function attributeProto(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('f' in a) return { name, type: T.FLOAT, f: a.f };
  if ('i' in a) return { name, type: T.INT, i: a.i };
  if ('s' in a) return { name, type: T.STRING, s: new TextEncoder().encode(a.s) };
  if ('floats' in a) return { name, type: T.FLOATS, floats: [...a.floats] };
  if ('ints' in a) return { name, type: T.INTS, ints: [...a.ints] };
  if ('strings' in a) {
    const enc = new TextEncoder();
    return { name, type: T.STRINGS, strings: a.strings.map((s) => enc.encode(s)) };
  }
  return { name, type: T.GRAPH, g: a.g };
}

/** A tensor value's type: element type and shape. */
export function valueInfo(
  name: string,
  elem: ElemType,
  dims: readonly Dim[],
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[elem],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Decodes model bytes (throws protobufjs's error on bytes that are not a ModelProto). */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** Options of a node: an explicit node name (else `n{index}_{opType}`), a non-default domain. */
export type NodeOptions = { name?: string; domain?: string };

/**
 * Builds one ONNX graph: inputs, outputs, initializers and nodes, named deterministically (a
 * counter), so the same calls always give the same bytes.
 *
 * @example
 * const g = new GraphBuilder('double');
 * const x = g.input('x', 'float', ['N']);
 * g.output(g.op('Mul', [x, g.scalar(2)]), 'y', 'float', ['N']);
 * const bytes = g.model({ producer: 'sinso' });
 */
export class GraphBuilder {
  readonly #name: string;
  readonly #prefix: string;
  readonly #nodes: onnxProto.onnx.INodeProto[] = [];
  readonly #inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #outputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly #constants = new Map<string, string>();
  #next = 0;

  /** `prefix` keeps the names of a subgraph apart from its parent's. */
  constructor(name: string, prefix = '') {
    this.#name = name;
    this.#prefix = prefix;
  }

  /** A fresh value name. */
  fresh(hint = 't'): string {
    return `${this.#prefix}${hint}_${this.#next++}`;
  }

  /** Declares a graph input and returns its name. */
  input(name: string, elem: ElemType, dims: readonly Dim[]): string {
    this.#inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  /**
   * Declares a graph output: a node's output `value` is renamed to `name` everywhere (no extra
   * node); a graph input or initializer passed through goes through an Identity node.
   */
  output(value: string, name: string, elem: ElemType, dims: readonly Dim[]): void {
    const producer = this.#nodes.find((n) => n.output?.includes(value));
    if (value === name) {
      // already named so
    } else if (!producer || this.#outputs.some((o) => o.name === value)) {
      this.node('Identity', [value], {}, [name]);
    } else {
      for (const n of this.#nodes) {
        n.input = (n.input ?? []).map((v) => (v === value ? name : v));
        n.output = (n.output ?? []).map((v) => (v === value ? name : v));
      }
    }
    this.#outputs.push(valueInfo(name, elem, dims));
  }

  /** A float32 initializer, data little-endian in raw_data. */
  floats(data: Float32Array | readonly number[], dims: readonly number[], name = this.fresh('c')): string {
    const rawData = new Uint8Array(data.length * 4);
    const view = new DataView(rawData.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] as number, true);
    this.#initializers.push({ name, dataType: ELEM.float, dims: [...dims], rawData });
    return name;
  }

  /**
   * An int64 initializer, data little-endian in raw_data, or, with `field: 'int64_data'`, as
   * int64_data (varints; the inference model writes its few small int64 constants so).
   */
  int64s(
    data: readonly number[],
    dims: readonly number[] = [data.length],
    name = this.fresh('i'),
    field: 'raw_data' | 'int64_data' = 'raw_data',
  ): string {
    if (field === 'int64_data') {
      this.#initializers.push({ name, dataType: ELEM.int64, dims: [...dims], int64Data: [...data] });
      return name;
    }
    const rawData = new Uint8Array(data.length * 8);
    const view = new DataView(rawData.buffer);
    for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, BigInt(data[i] as number), true);
    this.#initializers.push({ name, dataType: ELEM.int64, dims: [...dims], rawData });
    return name;
  }

  /** A float32 scalar constant (shared between uses of the same value). */
  scalar(value: number): string {
    const key = `f:${Object.is(value, -0) ? '-0' : String(Math.fround(value))}`;
    let name = this.#constants.get(key);
    if (!name) {
      name = this.floats([value], []);
      this.#constants.set(key, name);
    }
    return name;
  }

  /** A 1-D int64 constant (shared between uses of the same values), e.g. axes or a shape. */
  ints(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    let name = this.#constants.get(key);
    if (!name) {
      name = this.int64s(values);
      this.#constants.set(key, name);
    }
    return name;
  }

  /**
   * Adds a node (attributes sorted by name); returns its output names (fresh ones unless given).
   * A node of a non-default domain needs that domain's opset in `model({ opsets })`.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, Attr> = {},
    outputs: number | readonly string[] = 1,
    options: NodeOptions = {},
  ): string[] {
    const outs =
      typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh()) : [...outputs];
    this.#nodes.push({
      opType,
      input: [...inputs],
      output: outs,
      name: options.name ?? `${this.#prefix}n${this.#nodes.length}_${opType}`,
      ...(options.domain ? { domain: options.domain } : {}),
      attribute: Object.keys(attrs)
        .sort()
        .map((k) => attributeProto(k, attrs[k] as Attr)),
    });
    return outs;
  }

  /** Adds a node with one output and returns its name. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, Attr> = {},
    options: NodeOptions = {},
  ): string {
    return this.node(opType, inputs, attrs, 1, options)[0] as string;
  }

  /** The graph (for a model, or a Loop/If body). */
  graph(): onnxProto.onnx.IGraphProto {
    return {
      name: this.#name,
      node: this.#nodes,
      input: this.#inputs,
      output: this.#outputs,
      initializer: this.#initializers,
    };
  }

  /**
   * The model's bytes: IR 8, opset 17 of the default domain, then, sorted by domain, the opset
   * of each other domain a node uses, from `opsets` (e.g. `{ 'ai.onnx.ml': 3 }`; a domain no
   * node uses is not imported). Metadata is written sorted by key.
   */
  model(p: {
    producer: string;
    producerVersion?: string;
    docString?: string;
    metadata?: Readonly<Record<string, string>>;
    opsets?: Readonly<Record<string, number>>;
  }): Uint8Array {
    const used = [...new Set(this.#nodes.map((n) => n.domain ?? '').filter((d) => d !== ''))].sort();
    const opsetImport = [{ domain: '', version: ONNX_OPSET }];
    for (const domain of used) {
      const version = p.opsets?.[domain];
      if (version === undefined)
        throw new InternalError('INTERNAL', {
          what: 'a graph node uses an ONNX domain with no opset stated',
        });
      opsetImport.push({ domain, version });
    }
    const m = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport,
      producerName: p.producer,
      producerVersion: p.producerVersion ?? '',
      docString: p.docString ?? '',
      graph: this.graph(),
      metadataProps: Object.keys(p.metadata ?? {})
        .sort()
        .map((key) => ({ key, value: (p.metadata as Readonly<Record<string, string>>)[key] as string })),
    });
    return onnx.ModelProto.encode(m).finish();
  }
}
