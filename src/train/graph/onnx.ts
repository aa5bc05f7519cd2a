import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The ONNX IR version and default-domain opset every sinso graph is written with. */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

/** Element types the graphs use. */
export type ElemType = 'float' | 'int64' | 'bool' | 'string';

const ELEM: Record<ElemType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
  string: onnx.TensorProto.DataType.STRING,
};

/** A dimension: a fixed size, or a symbolic name (e.g. 'N' for the batch). */
export type Dim = number | string;

/** A node attribute, typed explicitly (1 and 1.0 are the same number in JS, not in ONNX). */
export type Attr =
  | { f: number }
  | { i: number }
  | { s: string }
  | { floats: readonly number[] }
  | { ints: readonly number[] }
  | { g: onnxProto.onnx.IGraphProto };

/** Attribute constructors: `attr.i(1)`, `attr.f(0.5)`, `attr.ints([0])`. */
export const attr = {
  f: (f: number): Attr => ({ f }),
  i: (i: number): Attr => ({ i }),
  s: (s: string): Attr => ({ s }),
  floats: (floats: readonly number[]): Attr => ({ floats }),
  ints: (ints: readonly number[]): Attr => ({ ints }),
  g: (g: onnxProto.onnx.IGraphProto): Attr => ({ g }),
};

function attributeProto(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('f' in a) return { name, type: T.FLOAT, f: a.f };
  if ('i' in a) return { name, type: T.INT, i: a.i };
  if ('s' in a) return { name, type: T.STRING, s: new TextEncoder().encode(a.s) };
  if ('floats' in a) return { name, type: T.FLOATS, floats: [...a.floats] };
  if ('ints' in a) return { name, type: T.INTS, ints: [...a.ints] };
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

  /** A float32 initializer. */
  floats(data: Float32Array | readonly number[], dims: readonly number[], name = this.fresh('c')): string {
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    this.#initializers.push({
      name,
      dataType: ELEM.float,
      dims: [...dims],
      rawData: new Uint8Array(arr.buffer.slice(arr.byteOffset, arr.byteOffset + arr.byteLength)),
    });
    return name;
  }

  /** An int64 initializer. */
  int64s(data: readonly number[], dims: readonly number[] = [data.length], name = this.fresh('i')): string {
    const arr = BigInt64Array.from(data.map((v) => BigInt(v)));
    this.#initializers.push({
      name,
      dataType: ELEM.int64,
      dims: [...dims],
      rawData: new Uint8Array(arr.buffer),
    });
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

  /** Adds a node; returns its output names (fresh ones unless given). */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, Attr> = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    const outs =
      typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh()) : [...outputs];
    this.#nodes.push({
      name: `${this.#prefix}n${this.#nodes.length}_${opType}`,
      opType,
      input: [...inputs],
      output: outs,
      attribute: Object.keys(attrs)
        .sort()
        .map((k) => attributeProto(k, attrs[k] as Attr)),
    });
    return outs;
  }

  /** Adds a node with one output and returns its name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}): string {
    return this.node(opType, inputs, attrs, 1)[0] as string;
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

  /** The model's bytes: IR 8, opset 17 of the default domain. */
  model(p: {
    producer: string;
    producerVersion?: string;
    docString?: string;
    metadata?: Record<string, string>;
  }): Uint8Array {
    const m = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: p.producer,
      producerVersion: p.producerVersion ?? '',
      docString: p.docString ?? '',
      graph: this.graph(),
      metadataProps: Object.keys(p.metadata ?? {})
        .sort()
        .map((key) => ({ key, value: (p.metadata as Record<string, string>)[key] as string })),
    });
    return onnx.ModelProto.encode(m).finish();
  }
}
