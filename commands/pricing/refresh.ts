import { Flags } from '@oclif/core';
import { BaseCommand } from '../../src/cli/base-command.js';
import { awsProfileFlag } from '../../src/cli/flags.js';
import { PRICE_LIST_API_REGIONS } from '../../src/pricing/regions.js';
import { UserError } from '../../src/errors.js';

export default class PricingRefresh extends BaseCommand {
  static override summary = 'Rebuild a region’s pricing snapshot from the AWS Price List API.';
  static override description =
    'Queries the Price List Query API (GetProducts with TERM_MATCH filters, every page) for each product the cost engine prices, keeps the OnDemand terms in the Price List vocabulary, validates the result and replaces pricing-cache/aws-<region>.json atomically. Uses the standard AWS credential chain (environment, shared config/SSO profiles, instance roles); the identity needs pricing:GetProducts.';
  static override examples = ['<%= config.bin %> pricing refresh --region us-east-1', '<%= config.bin %> pricing refresh --region eu-west-1 --aws-profile billing'];
  static override flags = {
    region: Flags.string({ required: true, description: 'The AWS region whose prices to fetch (e.g. us-east-1).' }),
    'api-region': Flags.string({ options: [...PRICE_LIST_API_REGIONS], default: 'us-east-1', description: 'Where to call the Price List API (it is served from these three).' }),
    'aws-profile': awsProfileFlag,
    'endpoint-url': Flags.string({ description: 'Price List API endpoint override (an emulator or a recorded-response server).' }),
    'out-dir': Flags.string({ description: 'Directory of the snapshots (default: the package’s pricing-cache/).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PricingRefresh);
    const { REGION_PATTERN } = await import('../../src/config/stack-config.js');
    if (!REGION_PATTERN.test(flags.region)) throw new UserError(`--region: '${flags.region}' is not an AWS region name`, 'use a region such as us-east-1, eu-west-1 or ap-southeast-1');
    const [{ PricingClient }, { refreshPriceSnapshot }, { defaultPricingCacheDir, writeSnapshot }] = await Promise.all([
      import('@aws-sdk/client-pricing'),
      import('../../src/pricing/refresh.js'),
      import('../../src/pricing/snapshot-store.js'),
    ]);
    const client = new PricingClient({
      region: flags['api-region'],
      ...(flags['endpoint-url'] ? { endpoint: flags['endpoint-url'] } : {}),
      // The SDK's default chain (env, SSO, shared config, container/instance roles); --aws-profile picks a shared-config profile.
      ...(flags['aws-profile'] ? { profile: flags['aws-profile'] } : {}),
    });
    const { snapshot, emptyQueries } = await refreshPriceSnapshot({ region: flags.region, client, onProgress: (line) => process.stderr.write(`${line}\n`) });
    for (const q of emptyQueries) process.stderr.write(`Warning: ${q}: no products returned; the engine will report any price it needs from it as missing\n`);
    const file = await writeSnapshot(flags['out-dir'] ?? defaultPricingCacheDir(), snapshot);
    process.stdout.write(`${file}: ${snapshot.products.length} products, prices as of ${snapshot.snapshot.pricesAsOf}\n`);
  }
}
