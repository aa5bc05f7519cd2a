/**
 * snarkjs keeps its BN254 curve (ffjavascript's WebAssembly, with one worker thread per core) in
 * a global once used; the workers keep the process alive. Terminate it when a command is done.
 */
export async function releaseCurves(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  const curve = g.curve_bn128;
  if (curve) {
    delete g.curve_bn128;
    await curve.terminate();
  }
}
