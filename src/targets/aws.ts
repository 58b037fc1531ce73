import { checkEndpointAnswers } from '../deploy/aws-connection.js';
import { deployToAws, destroyOnAws } from '../deploy/aws-deploy.js';
import { recordedEndpoints, type Target } from './port.js';

/**
 * The aws adapter: terraform of the synthesized stack (src/deploy/aws-deploy.ts). It does not read
 * CloudWatch yet, and says so: every figure of an AWS run beyond what the load generator saw is modelled.
 */

export const CLOUDWATCH_NOT_READ = 'not read: CloudWatch is not read yet; the run\'s figures are client-side only';
export const CLOUDWATCH_LOGS_NOT_READ = 'not read: CloudWatch Logs are not read yet';

export const awsTarget: Target = {
  name: 'aws',
  async deploy(req) {
    if (req.endpointUrl) await checkEndpointAnswers(req.endpointUrl);
    return deployToAws(req);
  },
  destroy(record, { progress, root }) {
    return destroyOnAws({ record, progress, root });
  },
  // Nothing live is queried: the registry record (terraform outputs) is all status shows.
  async status() {
    return undefined;
  },
  endpoints: recordedEndpoints,
  async metrics() {
    return { source: 'not-read', note: CLOUDWATCH_NOT_READ, datapoints: [] };
  },
  async logs() {
    return { source: 'not-read', note: CLOUDWATCH_LOGS_NOT_READ };
  },
};
