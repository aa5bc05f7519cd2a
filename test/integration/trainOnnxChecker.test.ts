import { execFileSync, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInferenceModel } from '../../src/train/graph/inference.js';
import { buildTrainStepModel } from '../../src/train/graph/trainStep.js';
import { type Architecture, initParams, type Optimizer } from '../../src/train/model.js';
import { tempDir } from '../utils/tmp.js';

// The ONNX project's own checker (python3-onnx, which .ci/run installs from Debian): every graph
// sinso writes passes onnx.checker.check_model(full_check=True) and strict shape inference.
// (Debian's python3 may sit behind another one on PATH, e.g. pyenv's, without the package)
const python = ['python3', '/usr/bin/python3'].find(
  (p) => spawnSync(p, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0,
);

const CHECK = `
import sys, onnx
from onnx import checker, shape_inference
for f in sys.argv[1:]:
    m = onnx.load(f)
    checker.check_model(m, full_check=True)
    shape_inference.infer_shapes(m, strict_mode=True)
    print(f.rsplit('/', 1)[-1], m.ir_version, ','.join(f"{o.domain or 'ai.onnx'}:{o.version}" for o in m.opset_import))
`;

describe.skipIf(python === undefined)('ONNX models, checked by the onnx package (python3-onnx)', () => {
  it('accepts every training-step graph and the inference models', async () => {
    const dir = await tempDir('sinso-onnx-checker-');
    const files: string[] = [];
    const archs: Architecture[] = [{ kind: 'logistic' }, { kind: 'mlp', hidden: [16, 8] }];
    const optimizers: Optimizer[] = [
      { kind: 'sgd', learningRate: 0.1, momentum: 0.9 },
      { kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    ];
    for (const architecture of archs) {
      const shape = { features: 5, architecture };
      for (const optimizer of optimizers) {
        for (const dp of [undefined, { clipNorm: 1 }]) {
          const f = join(dir, `step-${architecture.kind}-${optimizer.kind}${dp ? '-dp' : ''}.onnx`);
          await writeFile(f, buildTrainStepModel({ shape, optimizer, dp }));
          files.push(f);
        }
      }
      const f = join(dir, `inference-${architecture.kind}.onnx`);
      await writeFile(
        f,
        buildInferenceModel({
          shape,
          params: initParams(shape, 'checker'),
          preprocessing: {
            numeric: [
              { name: 'age', mean: 50, std: 10 },
              { name: 'bmi', mean: 28, std: 5 },
            ],
            categorical: [{ name: 'gender', categories: ['female', 'male', 'other'] }],
          },
          metadata: { 'sinso.model': 'checker' },
        }),
      );
      files.push(f);
    }
    const out = execFileSync(python as string, ['-c', CHECK, ...files], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toHaveLength(files.length);
    expect(out).toContain('inference-mlp.onnx 8 ai.onnx:17,ai.onnx.ml:3');
    expect(out).toContain('step-mlp-adam-dp.onnx 8 ai.onnx:17');
  });
});
