// Writes .dev.vars with a fresh proof-of-work signing key for local dev, once. Never committed.
import { existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const file = process.argv[2] ?? '.dev.vars';
if (!existsSync(file)) {
  writeFileSync(file, `POW_SECRET=${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  console.log(`wrote ${file}`);
}
