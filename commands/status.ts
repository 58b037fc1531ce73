import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';

export default class Status extends BaseCommand {
  static override summary = 'What is deployed, where, since when, and its endpoints.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];
  static override flags = {
    json: Flags.boolean({ description: 'Machine-readable output.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Status);
    const { deploymentStatus, formatStatus } = await import('../src/deploy/status-service.js');
    const rows = await deploymentStatus();
    this.log(flags.json ? JSON.stringify(rows, null, 2) : formatStatus(rows));
  }
}
