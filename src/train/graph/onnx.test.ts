import { describe, expect, it } from 'vitest';
import { attr, decodeModel, GraphBuilder, INT64, ONNX_OPSET, STRING } from './onnx.js';

function oneHot(withMl: boolean): GraphBuilder {
  const g = new GraphBuilder('g');
  const x = g.input('x', 'string', ['N']);
  const y = withMl
    ? g.op(
        'OneHotEncoder',
        [x],
        { zeros: attr.i(1), cats_strings: attr.strings(['a', 'é']) },
        {
          name: 'onehot',
          domain: 'ai.onnx.ml',
        },
      )
    : g.op('Identity', [x]);
  g.output(y, 'y', withMl ? 'float' : 'string', ['N']);
  return g;
}

describe('GraphBuilder', () => {
  it('imports a non-default domain only when a node uses it, after the default one', () => {
    const opsets = { 'ai.onnx.ml': 3, 'com.example': 1 };
    const ml = decodeModel(oneHot(true).model({ producer: 't', opsets }));
    expect(ml.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', ONNX_OPSET],
      ['ai.onnx.ml', 3],
    ]);
    const plain = decodeModel(oneHot(false).model({ producer: 't', opsets }));
    expect(plain.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', ONNX_OPSET]]);
  });

  it('writes explicit node names, domains and string attributes (sorted by name)', () => {
    const m = decodeModel(oneHot(true).model({ producer: 't', opsets: { 'ai.onnx.ml': 3 } }));
    const n = m.graph?.node?.[0];
    expect([n?.name, n?.domain, n?.attribute?.map((a) => a.name)]).toEqual([
      'onehot',
      'ai.onnx.ml',
      ['cats_strings', 'zeros'],
    ]);
    expect(n?.attribute?.[0]?.strings?.map((s) => new TextDecoder().decode(s))).toEqual(['a', 'é']);
    expect(m.graph?.input?.[0]?.type?.tensorType?.elemType).toBe(STRING);
  });

  it('refuses a node domain with no opset stated', () => {
    expect(() => oneHot(true).model({ producer: 't' })).toThrow(/Internal error/);
  });

  it('writes int64 initializers as raw_data or int64_data, the same values', () => {
    const g = new GraphBuilder('g');
    g.int64s([1, -2], [2], 'raw');
    g.int64s([1, -2], [2], 'varint', 'int64_data');
    g.output('raw', 'a', 'int64', [2]);
    g.output('varint', 'b', 'int64', [2]);
    const [raw, varint] = decodeModel(g.model({ producer: 't' })).graph?.initializer ?? [];
    expect(raw?.dataType).toBe(INT64);
    const view = new DataView(Uint8Array.from(raw?.rawData ?? []).buffer);
    expect([view.getBigInt64(0, true), view.getBigInt64(8, true)]).toEqual([1n, -2n]);
    expect(varint?.rawData?.length ?? 0).toBe(0);
    expect(varint?.int64Data?.map(Number)).toEqual([1, -2]);
  });
});
