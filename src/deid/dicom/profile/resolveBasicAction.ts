import { attributeType } from './attributeType.js';
import type { BasicProfileAction, ProfileAction } from './schema.js';

export type ResolveBasicActionParameters = {
  /** The Basic Profile action of the row. */
  action: BasicProfileAction;
  /** The row's tag (uint32), to look up the attribute's Type for compound actions. */
  tag: number;
  /** The attribute's VR from the data dictionary, if known. */
  vr: string | undefined;
  /** The attribute's strictest Type, if known; defaults to `attributeType(tag)?.type`. */
  type?: 1 | 2 | 3 | undefined;
};
export type ResolveBasicActionReturnType = ProfileAction;

/** VRs that hold UIDs, or sequences of references whose instance UIDs the `U` rows replace. */
const isUidOrSequence = (vr: string | undefined) => vr === 'UI' || vr === 'SQ';

/**
 * Resolves a Basic Profile action of Table E.1-1 to one action. Plain actions stand as they are,
 * except `D` on a UI attribute, which becomes `U`: a keyed UID is a valid non-zero-length value that
 * keeps references and uniqueness, which a fixed dummy UID would break.
 *
 * Compound actions keep the object valid for the strictest Type the attribute has in any IOD
 * (`attributeType`): Type 3 → `X`, Type 2 → `Z`, Type 1 → `D` (`U` for UIDs and the `X/Z/U*`
 * reference sequences). When that Type is not known, the safe choice is the one that keeps any IOD
 * valid without keeping data:
 *
 * | action   | Type 3 | Type 2 | Type 1 | unknown                   |
 * |----------|--------|--------|--------|---------------------------|
 * | `X/Z`    | X      | Z      | Z      | Z                         |
 * | `Z/D`    | Z      | Z      | D      | D                         |
 * | `X/D`    | X      | D      | D      | D                         |
 * | `X/Z/D`  | X      | Z      | D      | D                         |
 * | `X/Z/U*` | X      | Z      | U (D)  | U (SQ or UI), Z otherwise |
 *
 * (`X/Z` offers no `D`, so Type 1 stays `Z`; `X/D` offers no `Z`, so Type 2 takes `D`; a Type 1
 * `X/Z/U*` attribute that is neither SQ nor UI would take `D`: none is in the 2024b table.)
 *
 * @example
 * resolveBasicAction({ action: 'X/Z/D', tag: 0x00080080, vr: 'LO' }); // 'D' (Institution Name, Type unknown)
 * resolveBasicAction({ action: 'X/Z', tag: 0x00080022, vr: 'DA' }); // 'Z' (Acquisition Date, Type 2 in PET)
 */
export function resolveBasicAction(parameters: ResolveBasicActionParameters): ResolveBasicActionReturnType {
  const { action, tag, vr } = parameters;
  const type = !action.includes('/')
    ? undefined
    : 'type' in parameters
      ? parameters.type
      : attributeType(tag)?.type;
  let resolved: ProfileAction;
  switch (action) {
    case 'X':
    case 'Z':
    case 'D':
    case 'K':
    case 'C':
    case 'U':
      resolved = action;
      break;
    case 'X/Z':
      resolved = type === 3 ? 'X' : 'Z';
      break;
    case 'Z/D':
      resolved = type === 2 || type === 3 ? 'Z' : 'D';
      break;
    case 'X/D':
      resolved = type === 3 ? 'X' : 'D';
      break;
    case 'X/Z/D':
      resolved = type === 3 ? 'X' : type === 2 ? 'Z' : 'D';
      break;
    case 'X/Z/U*':
      if (type === 3) resolved = 'X';
      else if (type === 2) resolved = 'Z';
      else if (isUidOrSequence(vr)) resolved = 'U';
      else resolved = type === 1 ? 'D' : 'Z';
      break;
  }
  return resolved === 'D' && vr === 'UI' ? 'U' : resolved;
}
