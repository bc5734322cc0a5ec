/**
 * @module `keys keygen`: a reader's passphrase and public card, made on the reader's own machine.
 */
import { writeFileSync } from 'node:fs';
import { defaultKdfParams, deriveRecipientKeys, newPassphrase, toB64 } from '../../src/crypto';
import { fail } from '../lib/cli';
import { loadNodeSodium } from '../lib/node-sodium';
import type { Card } from '../lib/provision';
import type { KeysCommand } from './command';

export const keygen: KeysCommand = {
  summary: "Makes a reader's key on the reader's own machine: the passphrase (shown once) and a public card to send the administrator.",
  usage: 'keygen --role monitor|official --label NAME [--out CARD]',
  help: `  --role ROLE         monitor (the company's) or official (the labor authority's)
  --label NAME        the name the console and the signed list show
  --out CARD          write the card (public keys only) there, e.g. ana.card.json; else print it`,
  options: { role: { type: 'string' }, label: { type: 'string' }, out: { type: 'string' } },
  needs: 'nothing',
  async run(ctx) {
    const role = ctx.need('role');
    if (role !== 'monitor' && role !== 'official') fail('--role must be monitor or official');
    const label = ctx.need('label');
    const s = await loadNodeSodium();
    const passphrase = newPassphrase(s);
    const kdf = defaultKdfParams(s);
    const keys = deriveRecipientKeys(s, passphrase, kdf);
    const card: Card = {
      keyId: keys.keyId,
      role,
      label,
      boxPk: toB64(s, keys.box.publicKey),
      signPk: toB64(s, keys.sign.publicKey),
      kdf: { salt: toB64(s, kdf.salt), ops: kdf.opsLimit, mem: kdf.memLimit },
    };
    console.error(`Passphrase for ${label} (shown once, 100 bits; write it down, it cannot be recovered):\n\n    ${passphrase}\n`);
    console.error(`Sign-in name: ${keys.keyId}`);
    const out = ctx.text('out');
    if (out) {
      writeFileSync(out, `${JSON.stringify(card, null, 2)}\n`);
      console.error(`Public card (no secrets) written to ${out}; the administrator registers it with: npm run keys -- register --card ${out} ...`);
    } else console.log(JSON.stringify(card, null, 2));
  },
};
