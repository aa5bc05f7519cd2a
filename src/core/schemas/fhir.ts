import { z } from 'zod';

/**
 * FHIR R4 schemas for the subset sinso writes and reads (Patient, Practitioner, Organization,
 * Encounter, Observation, Condition, MedicationRequest, ImagingStudy and their datatypes).
 * Objects are loose (unknown members are kept), so real-world FHIR passes; what matters is
 * strict: `resourceType` literals, required members, code value sets where R4 binds them
 * `required`, and primitive formats (date, dateTime, instant, id, uri) per the R4 regexes.
 */

// ---------------------------------------------------------------------------------------------
// Primitives

const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[12][0-9]|3[01])';
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]{1,9})?';
const TZ = '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))';

/**
 * FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
 *
 * @example
 * FhirDateSchema.safeParse(value).success;
 */
export const FhirDateSchema = z
  .string()
  .regex(new RegExp(`^${YEAR}(-${MONTH}(-${DAY})?)?$`), 'must be a FHIR date');
/**
 * FHIR `dateTime`: a date, or a full date with a time, which then needs a time zone.
 *
 * @example
 * FhirDateTimeSchema.safeParse(value).success;
 */
export const FhirDateTimeSchema = z
  .string()
  .regex(new RegExp(`^${YEAR}(-${MONTH}(-${DAY}(T${TIME}${TZ})?)?)?$`), 'must be a FHIR dateTime');
/**
 * FHIR `instant`: full date, time and time zone.
 *
 * @example
 * FhirInstantSchema.safeParse(value).success;
 */
export const FhirInstantSchema = z
  .string()
  .regex(new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}${TZ}$`), 'must be a FHIR instant');
/**
 * FHIR `id`.
 *
 * @example
 * FhirIdSchema.safeParse(value).success;
 */
export const FhirIdSchema = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id');
/**
 * FHIR `uri` (no whitespace).
 *
 * @example
 * FhirUriSchema.safeParse(value).success;
 */
export const FhirUriSchema = z.string().regex(/^\S*$/, 'must be a URI without whitespace');
/**
 * FHIR `code`: no leading/trailing whitespace, single spaces only.
 *
 * @example
 * FhirCodeSchema.safeParse(value).success;
 */
export const FhirCodeSchema = z.string().regex(/^[^\s]+( [^\s]+)*$/, 'must be a FHIR code');
const str = z.string().min(1);
const positiveInt = z.number().int().min(1);
const unsignedInt = z.number().int().min(0);

// ---------------------------------------------------------------------------------------------
// Datatypes

/**
 * FHIR R4 Coding datatype (loose: unknown members are kept).
 *
 * @example
 * CodingSchema.safeParse(value).success;
 */
export const CodingSchema = z.looseObject({
  system: FhirUriSchema.optional(),
  version: str.optional(),
  code: FhirCodeSchema.optional(),
  display: str.optional(),
  userSelected: z.boolean().optional(),
});
export type Coding = z.infer<typeof CodingSchema>;

/**
 * FHIR R4 CodeableConcept datatype (loose: unknown members are kept).
 *
 * @example
 * CodeableConceptSchema.safeParse(value).success;
 */
export const CodeableConceptSchema = z.looseObject({
  coding: z.array(CodingSchema).optional(),
  text: str.optional(),
});
export type CodeableConcept = z.infer<typeof CodeableConceptSchema>;

/**
 * FHIR R4 Period datatype (loose: unknown members are kept).
 *
 * @example
 * PeriodSchema.safeParse(value).success;
 */
export const PeriodSchema = z.looseObject({
  start: FhirDateTimeSchema.optional(),
  end: FhirDateTimeSchema.optional(),
});
export type Period = z.infer<typeof PeriodSchema>;

/**
 * FHIR R4 Quantity datatype (loose: unknown members are kept).
 *
 * @example
 * QuantitySchema.safeParse(value).success;
 */
export const QuantitySchema = z.looseObject({
  value: z.number().optional(),
  comparator: z.enum(['<', '<=', '>=', '>']).optional(),
  unit: str.optional(),
  system: FhirUriSchema.optional(),
  code: FhirCodeSchema.optional(),
});
export type Quantity = z.infer<typeof QuantitySchema>;

/**
 * Reference (its `identifier` is kept loose to avoid a cycle with Identifier.assigner).
 *
 * @example
 * ReferenceSchema.safeParse(value).success;
 */
export const ReferenceSchema = z.looseObject({
  reference: str.optional(),
  type: FhirUriSchema.optional(),
  identifier: z.looseObject({}).optional(),
  display: str.optional(),
});
export type Reference = z.infer<typeof ReferenceSchema>;

/**
 * FHIR R4 Identifier datatype (loose: unknown members are kept).
 *
 * @example
 * IdentifierSchema.safeParse(value).success;
 */
export const IdentifierSchema = z.looseObject({
  use: z.enum(['usual', 'official', 'temp', 'secondary', 'old']).optional(),
  type: CodeableConceptSchema.optional(),
  system: FhirUriSchema.optional(),
  value: str.optional(),
  period: PeriodSchema.optional(),
  assigner: ReferenceSchema.optional(),
});
export type Identifier = z.infer<typeof IdentifierSchema>;

/**
 * FHIR R4 HumanName datatype (loose: unknown members are kept).
 *
 * @example
 * HumanNameSchema.safeParse(value).success;
 */
export const HumanNameSchema = z.looseObject({
  use: z.enum(['usual', 'official', 'temp', 'nickname', 'anonymous', 'old', 'maiden']).optional(),
  text: str.optional(),
  family: str.optional(),
  given: z.array(str).optional(),
  prefix: z.array(str).optional(),
  suffix: z.array(str).optional(),
  period: PeriodSchema.optional(),
});
export type HumanName = z.infer<typeof HumanNameSchema>;

/**
 * FHIR R4 ContactPoint datatype (loose: unknown members are kept).
 *
 * @example
 * ContactPointSchema.safeParse(value).success;
 */
export const ContactPointSchema = z.looseObject({
  system: z.enum(['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other']).optional(),
  value: str.optional(),
  use: z.enum(['home', 'work', 'temp', 'old', 'mobile']).optional(),
  rank: positiveInt.optional(),
  period: PeriodSchema.optional(),
});
export type ContactPoint = z.infer<typeof ContactPointSchema>;

/**
 * FHIR R4 Address datatype (loose: unknown members are kept).
 *
 * @example
 * AddressSchema.safeParse(value).success;
 */
export const AddressSchema = z.looseObject({
  use: z.enum(['home', 'work', 'temp', 'old', 'billing']).optional(),
  type: z.enum(['postal', 'physical', 'both']).optional(),
  text: str.optional(),
  line: z.array(str).optional(),
  city: str.optional(),
  district: str.optional(),
  state: str.optional(),
  postalCode: str.optional(),
  country: str.optional(),
  period: PeriodSchema.optional(),
});
export type Address = z.infer<typeof AddressSchema>;

/**
 * FHIR R4 Annotation datatype (loose: unknown members are kept).
 *
 * @example
 * AnnotationSchema.safeParse(value).success;
 */
export const AnnotationSchema = z.looseObject({
  authorReference: ReferenceSchema.optional(),
  authorString: str.optional(),
  time: FhirDateTimeSchema.optional(),
  text: str,
});
export type Annotation = z.infer<typeof AnnotationSchema>;

/**
 * FHIR R4 Meta datatype (loose: unknown members are kept).
 *
 * @example
 * MetaSchema.safeParse(value).success;
 */
export const MetaSchema = z.looseObject({
  versionId: FhirIdSchema.optional(),
  lastUpdated: FhirInstantSchema.optional(),
  source: FhirUriSchema.optional(),
  profile: z.array(FhirUriSchema).optional(),
  security: z.array(CodingSchema).optional(),
  tag: z.array(CodingSchema).optional(),
});
export type Meta = z.infer<typeof MetaSchema>;

/**
 * FHIR R4 Narrative datatype (loose: unknown members are kept).
 *
 * @example
 * NarrativeSchema.safeParse(value).success;
 */
export const NarrativeSchema = z.looseObject({
  status: z.enum(['generated', 'extensions', 'additional', 'empty']),
  div: z.string().regex(/^<div[\s>]/, 'must be an XHTML <div>'),
});
export type Narrative = z.infer<typeof NarrativeSchema>;

/** The value[x] choices an Extension may carry that sinso knows by type; others pass loosely. */
const extensionValues = {
  valueString: z.string().optional(),
  valueCode: FhirCodeSchema.optional(),
  valueBoolean: z.boolean().optional(),
  valueInteger: z.number().int().optional(),
  valueDecimal: z.number().optional(),
  valueUri: FhirUriSchema.optional(),
  valueUrl: FhirUriSchema.optional(),
  valueDate: FhirDateSchema.optional(),
  valueDateTime: FhirDateTimeSchema.optional(),
  valueInstant: FhirInstantSchema.optional(),
  valueCoding: CodingSchema.optional(),
  valueCodeableConcept: CodeableConceptSchema.optional(),
  valueQuantity: QuantitySchema.optional(),
  valueReference: ReferenceSchema.optional(),
  valueIdentifier: IdentifierSchema.optional(),
  valuePeriod: PeriodSchema.optional(),
  valueAddress: AddressSchema.optional(),
  valueHumanName: HumanNameSchema.optional(),
  valueContactPoint: ContactPointSchema.optional(),
};

export type Extension = {
  url: string;
  extension?: Extension[] | undefined;
  [key: string]: unknown;
};

/**
 * Extension: `url` + at most one `value[x]`, or nested extensions (not both).
 *
 * @example
 * ExtensionSchema.safeParse(value).success;
 */
export const ExtensionSchema: z.ZodType<Extension> = z
  .looseObject({
    url: FhirUriSchema.min(1),
    ...extensionValues,
    get extension() {
      return z.array(ExtensionSchema).optional();
    },
  })
  .superRefine((ext, ctx) => {
    const values = Object.keys(ext).filter((k) => /^value[A-Z]/.test(k));
    if (values.length > 1) ctx.addIssue({ code: 'custom', message: 'must have at most one value[x]' });
    if (values.length === 1 && Array.isArray(ext.extension) && ext.extension.length > 0) {
      ctx.addIssue({ code: 'custom', message: 'must not have both value[x] and extension (ext-1)' });
    }
    // the recursive Extension type cannot be inferred through z.lazy + superRefine: the schema
    // validates exactly the Extension shape declared above, which this cast states
  }) as unknown as z.ZodType<Extension>;

const DosageSchema = z.looseObject({
  sequence: z.number().int().optional(),
  text: str.optional(),
  timing: z.looseObject({}).optional(),
  route: CodeableConceptSchema.optional(),
  doseAndRate: z.array(z.looseObject({})).optional(),
});

// ---------------------------------------------------------------------------------------------
// Resources

const resourceBase = {
  id: FhirIdSchema.optional(),
  meta: MetaSchema.optional(),
  implicitRules: FhirUriSchema.optional(),
  language: FhirCodeSchema.optional(),
  text: NarrativeSchema.optional(),
  contained: z.array(z.looseObject({ resourceType: str })).optional(),
  extension: z.array(ExtensionSchema).optional(),
  modifierExtension: z.array(ExtensionSchema).optional(),
};

const gender = z.enum(['male', 'female', 'other', 'unknown']);

/**
 * FHIR R4 Patient resource (loose: unknown members are kept).
 *
 * @example
 * PatientSchema.safeParse(value).success;
 */
export const PatientSchema = z.looseObject({
  resourceType: z.literal('Patient'),
  ...resourceBase,
  identifier: z.array(IdentifierSchema).optional(),
  active: z.boolean().optional(),
  name: z.array(HumanNameSchema).optional(),
  telecom: z.array(ContactPointSchema).optional(),
  gender: gender.optional(),
  birthDate: FhirDateSchema.optional(),
  deceasedBoolean: z.boolean().optional(),
  deceasedDateTime: FhirDateTimeSchema.optional(),
  address: z.array(AddressSchema).optional(),
  maritalStatus: CodeableConceptSchema.optional(),
  multipleBirthBoolean: z.boolean().optional(),
  multipleBirthInteger: z.number().int().optional(),
  contact: z
    .array(
      z.looseObject({
        relationship: z.array(CodeableConceptSchema).optional(),
        name: HumanNameSchema.optional(),
        telecom: z.array(ContactPointSchema).optional(),
        address: AddressSchema.optional(),
        gender: gender.optional(),
        organization: ReferenceSchema.optional(),
        period: PeriodSchema.optional(),
      }),
    )
    .optional(),
  communication: z
    .array(z.looseObject({ language: CodeableConceptSchema, preferred: z.boolean().optional() }))
    .optional(),
  generalPractitioner: z.array(ReferenceSchema).optional(),
  managingOrganization: ReferenceSchema.optional(),
  link: z
    .array(
      z.looseObject({
        other: ReferenceSchema,
        type: z.enum(['replaced-by', 'replaces', 'refer', 'seealso']),
      }),
    )
    .optional(),
});
export type Patient = z.infer<typeof PatientSchema>;

/**
 * FHIR R4 Practitioner resource (loose: unknown members are kept).
 *
 * @example
 * PractitionerSchema.safeParse(value).success;
 */
export const PractitionerSchema = z.looseObject({
  resourceType: z.literal('Practitioner'),
  ...resourceBase,
  identifier: z.array(IdentifierSchema).optional(),
  active: z.boolean().optional(),
  name: z.array(HumanNameSchema).optional(),
  telecom: z.array(ContactPointSchema).optional(),
  address: z.array(AddressSchema).optional(),
  gender: gender.optional(),
  birthDate: FhirDateSchema.optional(),
  qualification: z
    .array(
      z.looseObject({
        identifier: z.array(IdentifierSchema).optional(),
        code: CodeableConceptSchema,
        period: PeriodSchema.optional(),
        issuer: ReferenceSchema.optional(),
      }),
    )
    .optional(),
});
export type Practitioner = z.infer<typeof PractitionerSchema>;

/**
 * FHIR R4 Organization resource (loose: unknown members are kept).
 *
 * @example
 * OrganizationSchema.safeParse(value).success;
 */
export const OrganizationSchema = z
  .looseObject({
    resourceType: z.literal('Organization'),
    ...resourceBase,
    identifier: z.array(IdentifierSchema).optional(),
    active: z.boolean().optional(),
    type: z.array(CodeableConceptSchema).optional(),
    name: str.optional(),
    alias: z.array(str).optional(),
    telecom: z.array(ContactPointSchema).optional(),
    address: z.array(AddressSchema).optional(),
    partOf: ReferenceSchema.optional(),
  })
  .refine((o) => (o.identifier?.length ?? 0) > 0 || o.name !== undefined, {
    message: 'must have an identifier or a name (org-1)',
  });
export type Organization = z.infer<typeof OrganizationSchema>;

/**
 * FHIR R4 Encounter resource (loose: unknown members are kept).
 *
 * @example
 * EncounterSchema.safeParse(value).success;
 */
export const EncounterSchema = z.looseObject({
  resourceType: z.literal('Encounter'),
  ...resourceBase,
  identifier: z.array(IdentifierSchema).optional(),
  status: z.enum([
    'planned',
    'arrived',
    'triaged',
    'in-progress',
    'onleave',
    'finished',
    'cancelled',
    'entered-in-error',
    'unknown',
  ]),
  class: CodingSchema,
  type: z.array(CodeableConceptSchema).optional(),
  serviceType: CodeableConceptSchema.optional(),
  priority: CodeableConceptSchema.optional(),
  subject: ReferenceSchema.optional(),
  participant: z
    .array(
      z.looseObject({
        type: z.array(CodeableConceptSchema).optional(),
        period: PeriodSchema.optional(),
        individual: ReferenceSchema.optional(),
      }),
    )
    .optional(),
  period: PeriodSchema.optional(),
  reasonCode: z.array(CodeableConceptSchema).optional(),
  reasonReference: z.array(ReferenceSchema).optional(),
  serviceProvider: ReferenceSchema.optional(),
  partOf: ReferenceSchema.optional(),
});
export type Encounter = z.infer<typeof EncounterSchema>;

const observationValues = {
  valueQuantity: QuantitySchema.optional(),
  valueCodeableConcept: CodeableConceptSchema.optional(),
  valueString: z.string().optional(),
  valueBoolean: z.boolean().optional(),
  valueInteger: z.number().int().optional(),
  valueDateTime: FhirDateTimeSchema.optional(),
  valuePeriod: PeriodSchema.optional(),
};

/**
 * FHIR R4 Observation resource (loose: unknown members are kept).
 *
 * @example
 * ObservationSchema.safeParse(value).success;
 */
export const ObservationSchema = z.looseObject({
  resourceType: z.literal('Observation'),
  ...resourceBase,
  identifier: z.array(IdentifierSchema).optional(),
  basedOn: z.array(ReferenceSchema).optional(),
  status: z.enum([
    'registered',
    'preliminary',
    'final',
    'amended',
    'corrected',
    'cancelled',
    'entered-in-error',
    'unknown',
  ]),
  category: z.array(CodeableConceptSchema).optional(),
  code: CodeableConceptSchema,
  subject: ReferenceSchema.optional(),
  encounter: ReferenceSchema.optional(),
  effectiveDateTime: FhirDateTimeSchema.optional(),
  effectivePeriod: PeriodSchema.optional(),
  effectiveInstant: FhirInstantSchema.optional(),
  issued: FhirInstantSchema.optional(),
  performer: z.array(ReferenceSchema).optional(),
  ...observationValues,
  dataAbsentReason: CodeableConceptSchema.optional(),
  interpretation: z.array(CodeableConceptSchema).optional(),
  note: z.array(AnnotationSchema).optional(),
  bodySite: CodeableConceptSchema.optional(),
  method: CodeableConceptSchema.optional(),
  referenceRange: z.array(z.looseObject({})).optional(),
  hasMember: z.array(ReferenceSchema).optional(),
  derivedFrom: z.array(ReferenceSchema).optional(),
  component: z
    .array(
      z.looseObject({
        code: CodeableConceptSchema,
        ...observationValues,
        dataAbsentReason: CodeableConceptSchema.optional(),
        interpretation: z.array(CodeableConceptSchema).optional(),
      }),
    )
    .optional(),
});
export type Observation = z.infer<typeof ObservationSchema>;

/**
 * FHIR R4 Condition resource (loose: unknown members are kept).
 *
 * @example
 * ConditionSchema.safeParse(value).success;
 */
export const ConditionSchema = z.looseObject({
  resourceType: z.literal('Condition'),
  ...resourceBase,
  identifier: z.array(IdentifierSchema).optional(),
  clinicalStatus: CodeableConceptSchema.optional(),
  verificationStatus: CodeableConceptSchema.optional(),
  category: z.array(CodeableConceptSchema).optional(),
  severity: CodeableConceptSchema.optional(),
  code: CodeableConceptSchema.optional(),
  bodySite: z.array(CodeableConceptSchema).optional(),
  subject: ReferenceSchema,
  encounter: ReferenceSchema.optional(),
  onsetDateTime: FhirDateTimeSchema.optional(),
  onsetPeriod: PeriodSchema.optional(),
  onsetString: z.string().optional(),
  abatementDateTime: FhirDateTimeSchema.optional(),
  recordedDate: FhirDateTimeSchema.optional(),
  recorder: ReferenceSchema.optional(),
  asserter: ReferenceSchema.optional(),
  note: z.array(AnnotationSchema).optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

/**
 * FHIR R4 MedicationRequest resource (loose: unknown members are kept).
 *
 * @example
 * MedicationRequestSchema.safeParse(value).success;
 */
export const MedicationRequestSchema = z
  .looseObject({
    resourceType: z.literal('MedicationRequest'),
    ...resourceBase,
    identifier: z.array(IdentifierSchema).optional(),
    status: z.enum([
      'active',
      'on-hold',
      'cancelled',
      'completed',
      'entered-in-error',
      'stopped',
      'draft',
      'unknown',
    ]),
    statusReason: CodeableConceptSchema.optional(),
    intent: z.enum([
      'proposal',
      'plan',
      'order',
      'original-order',
      'reflex-order',
      'filler-order',
      'instance-order',
      'option',
    ]),
    category: z.array(CodeableConceptSchema).optional(),
    priority: z.enum(['routine', 'urgent', 'asap', 'stat']).optional(),
    medicationCodeableConcept: CodeableConceptSchema.optional(),
    medicationReference: ReferenceSchema.optional(),
    subject: ReferenceSchema,
    encounter: ReferenceSchema.optional(),
    authoredOn: FhirDateTimeSchema.optional(),
    requester: ReferenceSchema.optional(),
    reasonCode: z.array(CodeableConceptSchema).optional(),
    note: z.array(AnnotationSchema).optional(),
    dosageInstruction: z.array(DosageSchema).optional(),
  })
  .refine((m) => (m.medicationCodeableConcept === undefined) !== (m.medicationReference === undefined), {
    message: 'must have exactly one of medicationCodeableConcept and medicationReference',
  });
export type MedicationRequest = z.infer<typeof MedicationRequestSchema>;

/**
 * FHIR R4 ImagingStudy resource (loose: unknown members are kept).
 *
 * @example
 * ImagingStudySchema.safeParse(value).success;
 */
export const ImagingStudySchema = z.looseObject({
  resourceType: z.literal('ImagingStudy'),
  ...resourceBase,
  identifier: z.array(IdentifierSchema).optional(),
  status: z.enum(['registered', 'available', 'cancelled', 'entered-in-error', 'unknown']),
  modality: z.array(CodingSchema).optional(),
  subject: ReferenceSchema,
  encounter: ReferenceSchema.optional(),
  started: FhirDateTimeSchema.optional(),
  basedOn: z.array(ReferenceSchema).optional(),
  referrer: ReferenceSchema.optional(),
  interpreter: z.array(ReferenceSchema).optional(),
  endpoint: z.array(ReferenceSchema).optional(),
  numberOfSeries: unsignedInt.optional(),
  numberOfInstances: unsignedInt.optional(),
  procedureCode: z.array(CodeableConceptSchema).optional(),
  location: ReferenceSchema.optional(),
  reasonCode: z.array(CodeableConceptSchema).optional(),
  note: z.array(AnnotationSchema).optional(),
  description: str.optional(),
  series: z
    .array(
      z.looseObject({
        uid: z.string().regex(/^[0-2](\.(0|[1-9][0-9]*))+$/, 'must be a DICOM UID'),
        number: unsignedInt.optional(),
        modality: CodingSchema,
        description: str.optional(),
        numberOfInstances: unsignedInt.optional(),
        bodySite: CodingSchema.optional(),
        laterality: CodingSchema.optional(),
        started: FhirDateTimeSchema.optional(),
        performer: z
          .array(z.looseObject({ function: CodeableConceptSchema.optional(), actor: ReferenceSchema }))
          .optional(),
        instance: z
          .array(
            z.looseObject({
              uid: z.string().regex(/^[0-2](\.(0|[1-9][0-9]*))+$/, 'must be a DICOM UID'),
              sopClass: CodingSchema,
              number: unsignedInt.optional(),
              title: str.optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});
export type ImagingStudy = z.infer<typeof ImagingStudySchema>;

/**
 * Any of the resources above, discriminated by `resourceType`.
 *
 * @example
 * const r = FhirResourceSchema.safeParse(JSON.parse(line));
 * if (r.success && r.data.resourceType === 'Patient') r.data.birthDate;
 */
export const FhirResourceSchema = z.discriminatedUnion('resourceType', [
  PatientSchema,
  PractitionerSchema,
  OrganizationSchema,
  EncounterSchema,
  ObservationSchema,
  ConditionSchema,
  MedicationRequestSchema,
  ImagingStudySchema,
]);
export type FhirResource = z.infer<typeof FhirResourceSchema>;
/** The resource types FhirResourceSchema knows. */
export type FhirResourceType = FhirResource['resourceType'];
