import { formatEther, formatUnits, parseEther, parseUnits } from 'viem';
import { UsageError } from '../core/errors/index.js';

/**
 * An amount as a person writes it: ether by default (`0.5`, `0.5eth`), or `gwei` or `wei`
 * (`1500gwei`, `1000wei`) — exact decimal strings, never floats — to wei.
 *
 * @example
 * parseAmount('0.001'); // 1000000000000000n
 * parseAmount('25 gwei'); // 25000000000n
 */
export function parseAmount(text: string, what = 'amount'): bigint {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(eth|ether|gwei|wei)?\s*$/i.exec(text);
  if (!m) {
    throw new UsageError(`The ${what} is not an amount.`, {
      fix: 'Write it in ether (0.5), gwei (1500gwei) or wei (1000wei), with a decimal point, not an exponent.',
    });
  }
  const [, num = '', unit = 'eth'] = m;
  const u = unit.toLowerCase();
  if (u === 'wei') {
    if (num.includes('.')) throw new UsageError(`The ${what} in wei must be a whole number.`);
    return BigInt(num);
  }
  const decimals = u === 'gwei' ? 9 : 18;
  const frac = num.split('.')[1] ?? '';
  if (frac.length > decimals) throw new UsageError(`The ${what} has more decimals than a wei.`);
  return u === 'gwei' ? parseUnits(num, 9) : parseEther(num);
}

/** `1.5 ETH (1500000000000000000 wei)`: ether and wei both. */
export function formatAmount(wei: bigint): string {
  return `${formatEther(wei)} ETH (${wei} wei)`;
}

/** The JSON form of an amount: both units as strings (never a float). */
export function amountJson(wei: bigint): { ether: string; wei: string } {
  return { ether: formatUnits(wei, 18), wei: wei.toString() };
}
