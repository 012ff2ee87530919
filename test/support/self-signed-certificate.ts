import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

/** A throwaway self-signed certificate for 127.0.0.1, made with the openssl command line tool; undefined without it. */
export function makeSelfSignedCertificate(
  directory: string,
): { certFile: string; keyFile: string } | undefined {
  const certFile = join(directory, 'cert.pem')
  const keyFile = join(directory, 'key.pem')
  try {
    const args =
      'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1'
    const san = ['-addext', 'subjectAltName=IP:127.0.0.1']
    execFileSync('openssl', [...args.split(' '), ...san, '-keyout', keyFile, '-out', certFile], {
      stdio: 'ignore',
    })
    return { certFile, keyFile }
  } catch {
    return undefined
  }
}
