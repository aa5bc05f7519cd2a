import { describe, expect, it } from 'vitest';
import { tagString } from './tagString.js';
import type { DicomElement } from './types.js';
import { type ElementPath, walkElements } from './walkElements.js';

const leaf = (tag: number): DicomElement => ({ tag, vr: 'SH', value: new Uint8Array(0) });

describe('walkElements', () => {
  const dataset: DicomElement[] = [
    leaf(0x00080005),
    {
      tag: 0x00081115,
      vr: 'SQ',
      items: [
        [leaf(0x00081150), { tag: 0x00082218, vr: 'SQ', items: [[leaf(0x00080100)]] }],
        [leaf(0x00081155)],
      ],
    },
    { tag: 0x00091010, vr: 'UN', items: [[leaf(0x00100010)]] },
    leaf(0x00100020),
  ];

  it('visits every element depth first with its path', () => {
    const seen: string[] = [];
    walkElements(dataset, (el, path) => {
      seen.push(`${path.map((s) => `${tagString(s.tag)}[${s.item}]`).join('.')}/${tagString(el.tag)}`);
    });
    expect(seen).toEqual([
      '/(0008,0005)',
      '/(0008,1115)',
      '(0008,1115)[0]/(0008,1150)',
      '(0008,1115)[0]/(0008,2218)',
      '(0008,1115)[0].(0008,2218)[0]/(0008,0100)',
      '(0008,1115)[1]/(0008,1155)',
      '/(0009,1010)',
      '(0009,1010)[0]/(0010,0010)',
      '/(0010,0020)',
    ]);
  });

  it('skips the items of an element when the visitor returns false; paths can be kept', () => {
    const paths: ElementPath[] = [];
    walkElements(dataset, (el, path) => {
      paths.push(path);
      return el.tag !== 0x00081115;
    });
    expect(paths.length).toBe(5);
    expect(paths[3]).toEqual([{ tag: 0x00091010, item: 0 }]);
  });
});
