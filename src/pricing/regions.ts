/**
 * How the AWS Price List names each region. `location` is the product attribute the Price List
 * uses alongside `regionCode`; `usageTypePrefix` is the region code that starts most usage types
 * ("EU-BoxUsage:t3.small", "APS1-Lambda-GB-Second"). In us-east-1 the older services (EC2, ELB,
 * RDS, Lambda, DynamoDB, S3, SQS, data transfer) publish usage types with no prefix at all
 * ("BoxUsage:t3.small"), while newer ones use "USE1-" (API Gateway, CloudWatch, Cognito, VPC IPv4):
 * price filters therefore match usage types by suffix, never by a prefix they would have to guess.
 */
export interface PriceListRegion {
  location: string;
  usageTypePrefix: string;
}

export const PRICE_LIST_REGIONS: Readonly<Record<string, PriceListRegion>> = {
  'us-east-1': { location: 'US East (N. Virginia)', usageTypePrefix: 'USE1' },
  'us-east-2': { location: 'US East (Ohio)', usageTypePrefix: 'USE2' },
  'us-west-1': { location: 'US West (N. California)', usageTypePrefix: 'USW1' },
  'us-west-2': { location: 'US West (Oregon)', usageTypePrefix: 'USW2' },
  'ca-central-1': { location: 'Canada (Central)', usageTypePrefix: 'CAN1' },
  'eu-west-1': { location: 'EU (Ireland)', usageTypePrefix: 'EU' },
  'eu-west-2': { location: 'EU (London)', usageTypePrefix: 'EUW2' },
  'eu-west-3': { location: 'EU (Paris)', usageTypePrefix: 'EUW3' },
  'eu-central-1': { location: 'EU (Frankfurt)', usageTypePrefix: 'EUC1' },
  'eu-north-1': { location: 'EU (Stockholm)', usageTypePrefix: 'EUN1' },
  'ap-southeast-1': { location: 'Asia Pacific (Singapore)', usageTypePrefix: 'APS1' },
  'ap-southeast-2': { location: 'Asia Pacific (Sydney)', usageTypePrefix: 'APS2' },
  'ap-south-1': { location: 'Asia Pacific (Mumbai)', usageTypePrefix: 'APS3' },
  'ap-northeast-1': { location: 'Asia Pacific (Tokyo)', usageTypePrefix: 'APN1' },
  'sa-east-1': { location: 'South America (Sao Paulo)', usageTypePrefix: 'SAE1' },
};

/** The Price List Query API is served only from these regions' endpoints. */
export const PRICE_LIST_API_REGIONS = ['us-east-1', 'eu-central-1', 'ap-south-1'] as const;
