import { publishStage } from '../../pipeline/stages/publish.js';
import { stageCommand } from '../command.js';

export const publishCommand = stageCommand(publishStage, {
  description:
    'Checks k-anonymity over the quasi-identifiers and refuses below --min-k unless --suppress is given; commits the tables (Poseidon, BN254); encrypts every table file with the per-dataset key (AES-256-GCM, key dataset-NAME in the keystore); content-addresses every file into the workspace blockstore (UnixFS CIDv1, as IPFS computes them); writes manifest.json (ERC-721 metadata; its CID is the token URI), dataset.car (for a Filecoin deal) and publish.json. With --ipfs, also imports and pins it on a Kubo node.',
  examples: [
    'sinso publish --tables tables/ --out published/ --name "Hospital A imaging 2025"',
    'sinso publish --tables tables/ --out published/ --name "Hospital A" --min-k 10 --suppress generalize',
    'sinso publish --tables tables/ --out published/ --name "Hospital A" --ipfs http://127.0.0.1:5001',
  ],
});
