import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';

export default class Profiles extends BaseCommand {
  static override summary = 'List the shipped load profiles, validate a profile file, or print the profile JSON Schema.';
  static override examples = ['<%= config.bin %> profiles', '<%= config.bin %> profiles --validate ./my-profile.yaml', '<%= config.bin %> profiles --schema > profile.schema.json'];
  static override flags = {
    validate: Flags.string({ description: 'Validate this profile file and print its phases.' }),
    schema: Flags.boolean({ description: 'Print the JSON Schema of profile files (for editors).', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Profiles);
    const svc = await import('../src/bench/profiles-service.js');
    if (flags.schema) return this.log(JSON.stringify(svc.profileSchemaDocument(), null, 2));
    if (flags.validate) return (await svc.describeProfileFile(flags.validate)).forEach((l) => this.log(l));
    (await svc.profileTable()).forEach((l) => this.log(l));
  }
}
