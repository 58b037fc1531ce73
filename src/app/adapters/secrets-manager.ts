/**
 * Reads Secrets Manager secret values. One client per process; AWS_ENDPOINT_URL_SECRETS_MANAGER
 * (read by the SDK itself) points it at another server speaking the same protocol.
 */
export interface SecretSource {
  /** The secret's current string value; undefined while the secret has none yet. */
  read(secretId: string): Promise<string | undefined>;
  close(): void;
}

export async function secretsManagerSource(region: string | undefined): Promise<SecretSource> {
  // Loaded on first use: local runs with plain environment variables never load the SDK.
  const { SecretsManagerClient, GetSecretValueCommand, ResourceNotFoundException } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(region ? { region } : {});
  return {
    read: async (secretId) => {
      try {
        const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
        return SecretString || undefined;
      } catch (err) {
        // A secret created without a value has no AWSCURRENT version yet: "no value", not a failure.
        if (err instanceof ResourceNotFoundException) return undefined;
        throw err;
      }
    },
    close: () => client.destroy(),
  };
}
