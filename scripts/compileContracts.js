#!/usr/bin/env node
// @ts-check
/**
 * Compiles the Solidity contracts of src/chain/contracts/ with solcjs (the exact version of the
 * dev dependency `solc`, EVM version cancun, optimizer on) against OpenZeppelin 5 from
 * node_modules, and writes their ABIs and bytecode to src/chain/contracts.generated.ts, so the
 * chain code has typed bindings (viem) without a compiler at run time. The Groth16 verifiers of
 * src/chain/contracts/generated/ (written by scripts/exportVerifiers.js, listed in its
 * verifiers.json) are compiled with them and bound as `zkVerifiers` (one ABI for all).
 *
 *     node scripts/compileContracts.js          # rewrite the generated file
 *     node scripts/compileContracts.js --check  # exit 1 if the committed file is stale
 *
 * Extra source folders (e.g. test contracts) can be compiled with `compileFolder` from code.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = join(root, 'src/chain/contracts');
const OUT = join(root, 'src/chain/contracts.generated.ts');
/** The contracts whose bindings are generated, in this order. */
const CONTRACTS = ['DataNFT', 'PledgeMarket', 'ZkQueryRegistry'];
const VERIFIERS = join(SOURCES, 'generated');

/** The .sol files of `dir`, sorted; with `sub`, those of `dir/sub` too, named `sub/<file>`. */
function solFiles(/** @type {string} */ dir, /** @type {string | undefined} */ sub) {
  const top = readdirSync(dir)
    .filter((n) => n.endsWith('.sol'))
    .sort();
  if (!sub || !existsSync(join(dir, sub))) return top;
  const nested = readdirSync(join(dir, sub))
    .filter((n) => n.endsWith('.sol'))
    .sort()
    .map((n) => `${sub}/${n}`);
  return [...top, ...nested];
}

/**
 * Compiles every .sol file of `dir` (and of its folder `sub`, when given; and what they import
 * from node_modules).
 * @param {string} dir
 * @param {string} [sub]
 * @returns {{ version: string, contracts: Record<string, { abi: unknown[], bytecode: string, deployedBytecode: string }> }}
 */
export function compileFolder(dir, sub = undefined) {
  const solc = require('solc');
  /** @type {Record<string, { content: string }>} */
  const sources = {};
  for (const f of solFiles(dir, sub)) {
    sources[f] = { content: readFileSync(join(dir, f), 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      viaIR: true,
      // no metadata hash: the bytecode does not change with paths or comments' whitespace
      metadata: { bytecodeHash: 'none', appendCBOR: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  /** @param {string} path */
  const findImports = (path) => {
    try {
      const file = path.startsWith('@') ? require.resolve(path) : join(dir, path);
      return { contents: readFileSync(file, 'utf8') };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter(
    (/** @type {{severity: string}} */ e) => e.severity === 'error',
  );
  if (errors.length) {
    throw new Error(
      errors.map((/** @type {{formattedMessage: string}} */ e) => e.formattedMessage).join('\n'),
    );
  }
  /** @type {Record<string, { abi: unknown[], bytecode: string, deployedBytecode: string }>} */
  const contracts = {};
  for (const file of Object.keys(sources)) {
    for (const [name, c] of Object.entries(output.contracts[file] ?? {})) {
      contracts[name] = {
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      };
    }
  }
  return { version: solc.version(), contracts };
}

/**
 * What the generated file depends on: the sources, the compiler's and OpenZeppelin's versions,
 * and this script (a cache of `render` keyed by it is as good as a fresh compile).
 */
export function inputsHash() {
  const h = createHash('sha256');
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const f of solFiles(SOURCES, 'generated')) {
    h.update(f).update(readFileSync(join(SOURCES, f)));
  }
  const manifest = join(VERIFIERS, 'verifiers.json');
  if (existsSync(manifest)) h.update(readFileSync(manifest));
  h.update(require('solc/package.json').version);
  h.update(require('@openzeppelin/contracts/package.json').version);
  return h.digest('hex');
}

/** The generated file's path. */
export const GENERATED = OUT;

/** The generated TypeScript module for the project's contracts. */
export function render() {
  const { version, contracts } = compileFolder(SOURCES, 'generated');
  const lines = [
    '// Generated by scripts/compileContracts.js from src/chain/contracts/*.sol: do not edit.',
    `// solc ${version}, evmVersion cancun, optimizer 200 runs, via IR.`,
    '',
    `export const SOLC_VERSION = ${JSON.stringify(version)};`,
  ];
  for (const name of CONTRACTS) {
    const c = contracts[name];
    if (!c) throw new Error(`contract ${name} not found`);
    // DataNFT → dataNft, PledgeMarket → pledgeMarket
    const id = (name[0]?.toLowerCase() + name.slice(1)).replace(/NFT/g, 'Nft');
    lines.push(
      '',
      `export const ${id}Abi = ${JSON.stringify(c.abi)} as const;`,
      '',
      `export const ${id}Bytecode = ${JSON.stringify(c.bytecode)} as const;`,
    );
  }
  const manifest = join(VERIFIERS, 'verifiers.json');
  /** @type {{ circuit: string, contract: string, vkSha256: string }[]} */
  const verifiers = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).verifiers : [];
  /** @type {string | undefined} */
  let abi;
  const entries = [];
  for (const v of verifiers) {
    const c = contracts[v.contract];
    if (!c) throw new Error(`verifier ${v.contract} of circuit ${v.circuit} not found`);
    const a = JSON.stringify(c.abi);
    if (abi !== undefined && a !== abi) throw new Error(`verifier ${v.contract} has another ABI`);
    abi = a;
    entries.push(
      `  { circuit: ${JSON.stringify(v.circuit)}, contract: ${JSON.stringify(v.contract)}, vkSha256: ${JSON.stringify(v.vkSha256)}, bytecode: ${JSON.stringify(c.bytecode)} },`,
    );
  }
  lines.push(
    '',
    '/** The ABI every chunk-query Groth16 verifier has (snarkjs template, 8 public signals). */',
    `export const groth16VerifierAbi = ${abi ?? '[]'} as const;`,
    '',
    "/** The verifiers of src/chain/contracts/generated/verifiers.json: circuit id, contract, its key's hash. */",
    'export const zkVerifiers = [',
    ...entries,
    '] as const;',
  );
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = render();
  if (process.argv.includes('--check')) {
    const old = readFileSync(OUT, 'utf8');
    if (old !== text) {
      process.stderr.write(`${OUT} is stale: run node scripts/compileContracts.js\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, text);
    process.stderr.write(`wrote ${OUT} (${dirname(OUT)})\n`);
  }
}
