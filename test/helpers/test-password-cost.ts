// Jest's setupFiles: every suite hashes new passwords with the test cost, also where it makes
// accounts straight in a store without an in-process Agora (which would set it from its config).
import { usePasswordCost } from '../../server/auth/password.js';
import { TEST_SCRYPT_N } from './process.js';

usePasswordCost(Number(TEST_SCRYPT_N));
