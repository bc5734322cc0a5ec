/**
 * @module `keys admin-init`: the administrator's signing key, made offline into a passphrase file.
 */
import { createAdminFile } from '../lib/admin-key';
import { loadNodeSodium } from '../lib/node-sodium';
import type { KeysCommand } from './command';

export const adminInit: KeysCommand = {
  summary: "Makes the administrator's signing key, offline: a passphrase file and the public key to build with.",
  usage: 'admin-init --out FILE',
  help: '  --out FILE          where to write the passphrase file (mode 600); keep it offline',
  options: { out: { type: 'string' } },
  needs: 'nothing',
  async run(ctx) {
    const out = ctx.need('out');
    const s = await loadNodeSodium();
    const { passphrase, publicKey } = createAdminFile(s, out);
    console.error(`Administrator passphrase (also in ${out}; keep that file offline, it signs who may read reports):\n\n    ${passphrase}\n`);
    console.log(
      `Set the deployment's administrator key in wrangler.toml [vars]:\n  ADMIN_SIGN_PK = "${publicKey}"\nthen build and deploy, and sign the lists: npm run keys -- sign --yes --admin ${out}`,
    );
  },
};
