/**
 * Property tests replay the same inputs on every run, so CI never fails on a draw nobody can
 * reproduce. `FC_SEED=<integer> npm test` explores other inputs; a counterexample found that way
 * belongs in the test's `examples`.
 */
import fc from 'fast-check';

const fromEnv = typeof process === 'undefined' ? Number.NaN : Number(process.env.FC_SEED);
fc.configureGlobal({ seed: Number.isInteger(fromEnv) ? fromEnv : 20261123 });
