import { ingestFhirStage } from '../../ingest/fhir/stage.js';
import { scanStage } from '../../ingest/stage.js';
import { synthStage } from '../../synth/stage.js';
import { stageCommand } from '../command.js';

export const synthCommand = stageCommand(synthStage, {
  examples: [
    'sinso synth --owners 3 --patients 100 --seed 42 --out data/cohort',
    'sinso synth --owners 1 --patients 1 --imaging-fraction 1 --modality CT --image-size 512 --slices 2000 --out data/ct',
    'sinso synth --owners 10 --patients 100000 --no-dicom --out data/big',
  ],
  description:
    'Writes a realistic synthetic cohort (FHIR R4 NDJSON and DICOM Part 10 with full identifiers, for testing de-identification) spread over N owners. Same seed, same bytes. A planted diabetes-risk signal (age, BMI, HbA1c) is documented in manifest.json.',
});

export const ingestScanCommand = stageCommand(scanStage, {
  positional: { key: 'inputs', name: 'IN...', many: true },
  examples: ['sinso ingest scan data/cohort --out data/inventory.json'],
});

export const ingestFhirCommand = stageCommand(ingestFhirStage, {
  description:
    'Pulls resources from a FHIR R4 server into one NDJSON file per type: Bulk Data $export (kick-off, poll, download) where the server advertises it, else search with paging. Network errors and HTTP errors are clear errors that name the step and status, never the response body; what was already fetched is kept in OUT.partial.',
  examples: [
    'sinso ingest fhir --server https://fhir.example.org/r4 --out raw/',
    'sinso ingest fhir --server http://127.0.0.1:8080/fhir --out raw/ --type Patient --type Observation --since 2024-01-01',
  ],
});
