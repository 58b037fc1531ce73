#!/usr/bin/env node
import { execute } from '@oclif/core';

// We support Node >= 20.19 on purpose; the SDK's notice about its own future Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

await execute({ dir: import.meta.url });
