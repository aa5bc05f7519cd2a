import type { DicomElement, Tag } from './types.js';

/** One step into a sequence: the sequence's tag and the index of the item. */
export type ElementPathStep = { readonly tag: Tag; readonly item: number };
/** The sequences and items enclosing an element, outermost first ([] at the top level). */
export type ElementPath = readonly ElementPathStep[];
/** Called for every element; return `false` to skip the items of this element. */
export type WalkElementsVisitor = (el: DicomElement, path: ElementPath) => unknown;
export type WalkElementsParameters = readonly DicomElement[];
export type WalkElementsReturnType = undefined;

function walk(list: readonly DicomElement[], fn: WalkElementsVisitor, path: ElementPath): void {
  for (const el of list) {
    if (fn(el, path) === false || el.items === undefined) continue;
    for (let i = 0; i < el.items.length; i++) walk(el.items[i]!, fn, [...path, { tag: el.tag, item: i }]);
  }
}

/**
 * Visits every element of a data set, depth first in file order, descending into the items of
 * sequences (SQ, and UN read as a sequence) at any depth. The visitor gets the element and its
 * path; path arrays are never mutated, so they can be kept.
 *
 * @example
 * walkElements(file.dataset, (el, path) => {
 *   if (el.vr === 'PN') console.log(path.map((s) => `${tagString(s.tag)}[${s.item}]`).join('.'), tagString(el.tag));
 * });
 */
export function walkElements(
  dataset: WalkElementsParameters,
  fn: WalkElementsVisitor,
): WalkElementsReturnType {
  walk(dataset, fn, []);
}
