import { nameText } from './draw.js';
import type { SynthOwner, SynthPractitioner } from './model.js';

/** FHIR resources as plain JSON objects, ready to serialise. */
export type FhirJson = { resourceType: string; id: string; [key: string]: unknown };

export type BuildOwnerResourcesParameters = { owner: SynthOwner };

export type BuildOwnerResourcesReturnType = {
  organization: FhirJson;
  practitioners: FhirJson[];
};

function practitioner(owner: SynthOwner, p: SynthPractitioner): FhirJson {
  const name: Record<string, unknown> = { use: 'official', text: nameText(p.name), family: p.name.family };
  name.given = p.name.middle ? [p.name.given, p.name.middle] : [p.name.given];
  if (p.name.prefix) name.prefix = [p.name.prefix];
  return {
    resourceType: 'Practitioner',
    id: p.id,
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: p.npi }],
    active: true,
    name: [name],
    telecom: [
      { system: 'phone', value: p.phone, use: 'work' },
      { system: 'email', value: p.email, use: 'work' },
    ],
    address: [
      {
        use: 'work',
        line: [owner.addressLine],
        city: owner.place.city,
        state: owner.place.state,
        postalCode: owner.postalCode,
        country: 'US',
      },
    ],
    gender: p.sex,
  };
}

/**
 * Renders an owner as FHIR R4: its Organization and Practitioners.
 *
 * @example
 * const { organization, practitioners } = buildOwnerResources({ owner: generateOwner({ seed: 42, number: 1 }) });
 */
export function buildOwnerResources({ owner }: BuildOwnerResourcesParameters): BuildOwnerResourcesReturnType {
  const organization: FhirJson = {
    resourceType: 'Organization',
    id: owner.organizationId,
    identifier: [
      { system: 'http://hl7.org/fhir/sid/us-npi', value: owner.npi },
      { system: `${owner.systemBase}/organization`, value: owner.id },
    ],
    active: true,
    type: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/organization-type',
            code: 'prov',
            display: 'Healthcare Provider',
          },
        ],
      },
    ],
    name: owner.name,
    telecom: [{ system: 'phone', value: owner.phone, use: 'work' }],
    address: [
      {
        use: 'work',
        line: [owner.addressLine],
        city: owner.place.city,
        state: owner.place.state,
        postalCode: owner.postalCode,
        country: 'US',
      },
    ],
  };
  return { organization, practitioners: owner.practitioners.map((p) => practitioner(owner, p)) };
}
