import { Flags } from '@oclif/core';
import { MODELS } from '../config/stack-config.js';

/** Flags shared by the commands that deploy, synthesize or price a stack. */
export const modelFlag = (opts: { required?: boolean; description?: string } = {}) =>
  Flags.string({
    char: 'm',
    options: [...MODELS],
    description: opts.description ?? 'Architecture: traditional (ALB + EC2 ASG + RDS) or serverless (API Gateway + Lambda + DynamoDB).',
    required: opts.required ?? false,
  });

export const configFlag = Flags.string({
  char: 'c',
  description: 'Stack config file (YAML or JSON) overriding the documented defaults, e.g. instance type, ASG bounds, Lambda memory.',
});

export const regionFlag = Flags.string({ description: 'AWS region (default: the stack config region, us-east-1).' });
export const profileFlag = Flags.string({ description: 'AWS named profile from ~/.aws/config (default: the standard credential chain).' });
export const endpointUrlFlag = Flags.string({
  description: 'Send every AWS API call to this emulator endpoint (moto_server, LocalStack), e.g. http://127.0.0.1:5000.',
});
export const targetFlag = Flags.string({
  char: 't',
  options: ['local', 'aws'],
  default: 'local',
  description: 'local: both architectures on this machine, no AWS account (default). aws: terraform apply to AWS or an emulator.',
});
