import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM key and certificate pair. */
export interface CertificatePair {
  readonly key: string;
  readonly cert: string;
}

/**
 * Generates a self-signed certificate for `localhost` and 127.0.0.1 with the system's `openssl`, for
 * tests that need a real TLS server. Throws with a clear message when openssl is not installed.
 */
export function createSelfSignedCertificate(): CertificatePair {
  const directory = mkdtempSync(join(tmpdir(), 'tracecheck-cert-'));
  try {
    const keyPath = join(directory, 'key.pem');
    const certPath = join(directory, 'cert.pem');
    // biome-ignore format: one openssl flag per line reads better
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'pipe' });
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  } catch (error) {
    throw new Error(
      `cannot generate a self-signed certificate with openssl (is it installed?): ${String(error)}`,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
