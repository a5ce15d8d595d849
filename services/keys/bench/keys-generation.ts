import { randomBytes } from 'node:crypto';
import { type KeyAlgorithm } from '@gatehouse/contracts';
import { LocalMasterKeyVault } from '@gatehouse/vault';
import { KeyGenerator, type RsaModulusLength } from '../src/lifecycle/key-generator';
import { keyWrapContext } from '../src/lifecycle/key-material.service';

/**
 * Key generation time per algorithm, as the keys service does it (node:crypto generateKeyPair
 * off the main thread, JWK export, AES-256-GCM wrap under the master key).
 * Run: node scripts/build.mjs && node dist/services/keys/bench/keys-generation.js [rounds]
 */
const cases: Array<[KeyAlgorithm, RsaModulusLength, number]> = [
  ['ES256', 2048, 1],
  ['EdDSA', 2048, 1],
  ['ECDH-ES+A256KW', 2048, 1],
  ['RS256', 2048, 0.2],
  ['PS256', 2048, 0.2],
  ['RSA-OAEP-256', 2048, 0.2],
  ['RS256', 3072, 0.1],
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 100);
  const generator = new KeyGenerator();
  const vault = new LocalMasterKeyVault([{ id: 'bench', key: randomBytes(32) }]);
  const rows: string[][] = [];
  for (const [alg, bits, share] of cases) {
    const count = Math.max(5, Math.round(rounds * share));
    await generator.generate(alg, bits);
    const times: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const started = performance.now();
      const key = await generator.generate(alg, bits);
      await vault.wrap(key.privateJwk, keyWrapContext(key.kid, 'bench'));
      key.privateJwk.fill(0);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((sum, time) => sum + time, 0) / times.length;
    const label = alg.startsWith('RS') || alg.startsWith('PS') || alg === 'RSA-OAEP-256' ? `${alg} (RSA ${bits})` : alg;
    rows.push([label, String(count), mean.toFixed(2), percentile(times, 50).toFixed(2), percentile(times, 95).toFixed(2), times.at(-1)!.toFixed(2)]);
  }
  const header = ['algorithm', 'keys', 'mean ms', 'p50 ms', 'p95 ms', 'max ms'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

void main();
