import { Flags } from '@oclif/core';
import { BaseCommand } from '../../src/cli/base-command.js';

export default class PricingList extends BaseCommand {
  static override summary = 'Show what a region’s pricing snapshot prices: every product, its unit and its price (all tiers).';
  static override description =
    'Reads pricing-cache/aws-<region>.json (the committed snapshot, or the one `archcompare pricing refresh` wrote) and lists each product the cost engine can price: the instance type or class, or the Price List usage type, with its unit and every price tier. Filter by service with --service.';
  static override examples = ['<%= config.bin %> pricing list --service rds', '<%= config.bin %> pricing list --service ec2 --region eu-west-1', '<%= config.bin %> pricing list --format json'];
  static override flags = {
    service: Flags.string({ char: 's', description: 'ec2, rds, lambda, apigateway, dynamodb, s3, sqs, sns, cognito, cloudwatch, elb, vpc, datatransfer, kms or secretsmanager (default: all).' }),
    region: Flags.string({ default: 'us-east-1', description: 'The snapshot region (us-east-1, eu-west-1, ap-southeast-1, or any region refreshed).' }),
    format: Flags.string({ char: 'f', options: ['table', 'json'], default: 'table', description: 'table or json.' }),
    'out-dir': Flags.string({ description: 'Directory of the snapshots (default: the package’s pricing-cache/).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PricingList);
    const [{ loadPriceBook }, { priceRows, priceRowsText }, path] = await Promise.all([import('../../src/pricing/snapshot-store.js'), import('../../src/pricing/list.js'), import('node:path')]);
    // Listing is not estimating: an old snapshot is still shown, with its date in the header.
    const loaded = loadPriceBook(flags.region, { dir: flags['out-dir'], maxAgeDays: Number.MAX_SAFE_INTEGER });
    const rows = priceRows(loaded.book, flags.service);
    const header = { region: loaded.book.region, pricesAsOf: loaded.book.header.pricesAsOf, source: loaded.book.header.source, file: path.relative(process.cwd(), loaded.file) || loaded.file };
    process.stdout.write(flags.format === 'json' ? `${JSON.stringify({ ...header, products: rows }, null, 2)}\n` : priceRowsText(rows, header));
  }
}
