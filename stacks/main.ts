// Entry point for the cdktf CLI (`cdktf synth` reads cdktf.json): synthesizes both stacks with
// the config in ARCHCOMPARE_CONFIG (or the defaults). archcompare itself calls synthesizeStack.
import { loadStackConfig } from '../src/config/load-config.js';
import { MODELS } from '../src/config/stack-config.js';
import { synthesizeStack } from './synth.js';

const config = await loadStackConfig(process.env.ARCHCOMPARE_CONFIG, { runId: process.env.ARCHCOMPARE_RUN_ID });
for (const model of MODELS) await synthesizeStack(model, config, process.env.CDKTF_OUTDIR ?? 'cdktf.out');
