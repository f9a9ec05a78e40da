/** The tests' sshd is the benchmarks' one: a real OpenSSH server on 127.0.0.1 (see bench/loopback-sshd.ts). */
export { generateKey, startSshd, type TestSshd } from '../../bench/loopback-sshd.js';
