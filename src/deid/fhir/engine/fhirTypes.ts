import { FHIR_R4_DEFINITIONS, FHIR_R4_PRIMITIVES, FHIR_R4_RESOURCE_TYPES } from './fhirR4Types.generated.js';

/** One member of a FHIR R4 definition (a complex type, backbone element or resource). */
export type FhirMember = {
  readonly name: string;
  /** A primitive (`instant`, `string`, …) or a definition name (`Period`, `Observation_Component`). */
  readonly type: string;
  readonly array: boolean;
  readonly required: boolean;
  /** Whether `type` is a primitive; then `pattern` is the schema's pattern for its JSON value, if any. */
  readonly primitive: boolean;
  readonly pattern: RegExp | undefined;
};

/** A FHIR R4 definition: its members by JSON name, and the complex members it requires. */
export type FhirDefinition = {
  readonly name: string;
  readonly members: ReadonlyMap<string, FhirMember>;
  /** Required members of a complex type (the schema requires no primitive the engine removes). */
  readonly requiredComplex: readonly FhirMember[];
};

const patterns = new Map<string, RegExp | undefined>();
/** The compiled pattern of a primitive type (undefined for a primitive without one, or not a primitive). */
export function fhirPrimitivePattern(type: string): RegExp | undefined {
  if (patterns.has(type)) return patterns.get(type);
  const p = FHIR_R4_PRIMITIVES[type]?.pattern;
  const re = p === undefined ? undefined : new RegExp(p);
  patterns.set(type, re);
  return re;
}

const definitions = new Map<string, FhirDefinition | undefined>();
const resourceTypes = new Set(FHIR_R4_RESOURCE_TYPES);

/**
 * The FHIR R4 definition of a complex type, backbone element (`Observation_Component`) or
 * resource, from the official JSON schema (fhirR4Types.generated.ts); undefined for a name the
 * schema does not define. Parsed on first use, then cached.
 *
 * @example
 * fhirDefinition('Observation')?.members.get('issued')?.type // 'instant'
 */
export function fhirDefinition(name: string): FhirDefinition | undefined {
  let d = definitions.get(name);
  if (d !== undefined || definitions.has(name)) return d;
  const text = Object.hasOwn(FHIR_R4_DEFINITIONS, name) ? FHIR_R4_DEFINITIONS[name] : undefined;
  if (text !== undefined) {
    const members = new Map<string, FhirMember>();
    const requiredComplex: FhirMember[] = [];
    for (const part of text === '' ? [] : text.split(',')) {
      const colon = part.indexOf(':');
      let type = part.slice(colon + 1);
      const required = type.endsWith('!');
      if (required) type = type.slice(0, -1);
      const array = type.endsWith('*');
      if (array) type = type.slice(0, -1);
      const primitive = Object.hasOwn(FHIR_R4_PRIMITIVES, type);
      const m: FhirMember = {
        name: part.slice(0, colon),
        type,
        array,
        required,
        primitive,
        pattern: primitive ? fhirPrimitivePattern(type) : undefined,
      };
      members.set(m.name, m);
      if (required && !primitive) requiredComplex.push(m);
    }
    d = { name, members, requiredComplex };
  }
  definitions.set(name, d);
  return d;
}

/**
 * The definition of a resource type (undefined for a type FHIR R4 does not define).
 *
 * @example
 * fhirResourceDefinition('Patient')?.members.get('birthDate')?.type // 'date'
 */
export function fhirResourceDefinition(resourceType: string): FhirDefinition | undefined {
  return isFhirResourceType(resourceType) ? fhirDefinition(resourceType) : undefined;
}

/** Whether a name is a FHIR R4 resource type. */
export function isFhirResourceType(name: string): boolean {
  return resourceTypes.has(name);
}

let memberNames: Set<string> | undefined;
/**
 * Whether a JSON key is the name of a member of some FHIR R4 definition (so it may appear in an
 * error's element path: a key of anything else could be data).
 */
export function isFhirMemberName(name: string): boolean {
  if (memberNames === undefined) {
    memberNames = new Set(['extension', 'modifierExtension', 'resourceType']);
    for (const text of Object.values(FHIR_R4_DEFINITIONS))
      for (const part of text.split(',')) memberNames.add(part.slice(0, part.indexOf(':')));
  }
  return memberNames.has(name);
}
