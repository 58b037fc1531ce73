import { startLambdaRuntime } from './harness/runtimes.js';
import { contractSuite } from './contract-suite.js';

contractSuite('lambda runtime (API Gateway v2 events + DynamoDB-compatible dynalite)', () => startLambdaRuntime());
